declare module 'parse-prometheus-text-format' {
  /** One metric family as prom2json prints it; sample values stay strings. */
  export interface MetricFamily {
    name: string;
    help: string;
    type: string;
    metrics: Array<{ value?: string; labels?: Record<string, string> }>;
  }
  export default function parsePrometheusTextFormat(text: string): MetricFamily[];
}
