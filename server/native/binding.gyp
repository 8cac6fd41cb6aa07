{
  "targets": [
    {
      "target_name": "hugepages",
      "sources": ["hugepages.c"]
    }
  ]
}
