/** Indices that sort values ascending; ties keep their original order (eigenvalue reports). */
export function ascendingOrder(values: Float64Array): Int32Array {
  const order = Int32Array.from({ length: values.length }, (_, i) => i);
  order.sort((i, j) => (values[i] as number) - (values[j] as number) || i - j);
  return order;
}
