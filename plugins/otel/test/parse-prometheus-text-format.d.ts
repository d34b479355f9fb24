/** @module parse-prometheus-text-format — the untyped parser's one export, as the tests use it. */
declare module 'parse-prometheus-text-format' {
  export default function parsePrometheusTextFormat(text: string): unknown[]
}
