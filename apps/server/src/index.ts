export { createWorkerApp, type WorkerApp, type WorkerAppDeps } from './app.ts';
export { readWorkerConfig, type WorkerConfig } from './env.ts';
export { runWorkerCli, startWorker, type RunningWorker } from './main.ts';
