export { createAdminApp, type AdminAppDeps } from './app.ts';
export { readOverlordConfig, type OverlordConfig } from './env.ts';
export { runOverlordCli, startOverlord, type RunningOverlord } from './main.ts';
