import { METRICS_CONTENT_TYPE } from '@dex/shared/metrics';
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
    async handle(_req, res) {
      const text = await metrics.render();
      res.statusCode = 200;
      res.setHeader('Content-Type', METRICS_CONTENT_TYPE);
      res.setHeader('Cache-Control', 'no-store');
      res.setHeader('Content-Length', Buffer.byteLength(text));
      res.end(text);
    },
  };
}
