/*
 * One call for the Node host: advise Linux to back a large array with transparent huge pages
 * (madvise MADV_HUGEPAGE), as NumPy does for its large arrays.
 *
 * Why: where the kernel's THP mode is "madvise" (many distributions, and this project's machines),
 * a fresh 4 KiB page costs one fault on first write. Under virtualisation a fault costs ~10 us, so
 * writing a new 32 MB matrix costs ~80 ms before any arithmetic, far more than the write itself
 * (~1 ms). Huge pages take 512 times fewer faults. The advice changes no value, only how memory is
 * mapped; without it (other systems, or no compiler at install) everything runs the same, slower.
 *
 * adviseHugePages(view: ArrayBufferView): boolean advises the whole 2 MiB-aligned pages inside the
 * view's bytes (a SharedArrayBuffer's too, e.g. a WebAssembly memory) and says whether the kernel
 * accepted. It touches no byte of the array.
 */
#define _GNU_SOURCE
#include <node_api.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/mman.h>

#define HUGE_PAGE ((uintptr_t)2 << 20)

static size_t element_bytes(napi_typedarray_type type) {
  switch (type) {
    case napi_int16_array:
    case napi_uint16_array:
      return 2;
    case napi_int32_array:
    case napi_uint32_array:
    case napi_float32_array:
      return 4;
    case napi_float64_array:
    case napi_bigint64_array:
    case napi_biguint64_array:
      return 8;
    default:
      return 1;
  }
}

static napi_value advise_huge_pages(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  bool advised = false;
  napi_typedarray_type type;
  size_t length = 0;
  void *data = NULL;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) == napi_ok && argc == 1 &&
      napi_get_typedarray_info(env, argv[0], &type, &length, &data, NULL, NULL) == napi_ok && data != NULL) {
    uintptr_t start = ((uintptr_t)data + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
    uintptr_t end = ((uintptr_t)data + length * element_bytes(type)) & ~(HUGE_PAGE - 1);
    if (end > start) advised = madvise((void *)start, end - start, MADV_HUGEPAGE) == 0;
  }
  napi_value result;
  napi_get_boolean(env, advised, &result);
  return result;
}

NAPI_MODULE_INIT() {
  napi_value fn;
  if (napi_create_function(env, "adviseHugePages", NAPI_AUTO_LENGTH, advise_huge_pages, NULL, &fn) != napi_ok) return NULL;
  if (napi_set_named_property(env, exports, "adviseHugePages", fn) != napi_ok) return NULL;
  return exports;
}
