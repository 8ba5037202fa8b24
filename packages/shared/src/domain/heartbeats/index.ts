export { HEARTBEAT_INTERVAL_MS, type HeartbeatInput, removeHeartbeat, writeHeartbeat } from './write-heartbeat.ts';
export {
  deleteSilentHeartbeats,
  HEARTBEAT_RETENTION_MS,
  listProcesses,
  type ProcessListView,
  type ProcessState,
  type ProcessView,
} from './list-processes.ts';
export { type HeartbeatSample, type RunningHeartbeat, type StartHeartbeatOptions, startHeartbeat } from './start-heartbeat.ts';
