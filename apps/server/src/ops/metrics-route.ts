import type { WorkerMetrics } from '#http/metrics.ts';
import type { Route } from '#http/router.ts';

/**
 * `GET <issuer>/metrics`: the Prometheus text exposition of the worker's metrics.
 * @example routes.set('/metrics', metricsRoute(metrics));
 */
export function metricsRoute(metrics: WorkerMetrics): Route {
  return {
    methods: ['GET'],
    errors: 'json',
    handle(_req, res) {
      const text = metrics.render();
      res.statusCode = 200;
      res.setHeader('Content-Type', 'text/plain; version=0.0.4; charset=utf-8');
      res.setHeader('Cache-Control', 'no-store');
      res.setHeader('Content-Length', Buffer.byteLength(text));
      res.end(text);
    },
  };
}
