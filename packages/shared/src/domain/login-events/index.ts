export { LOGIN_EVENT_TYPES, type LoginEventType } from './login-event-types.ts';
export { type LoginEventInput, recordLoginEvent } from './record-login-event.ts';
export {
  type ListLoginEventsOptions,
  type LoginEventPage,
  type LoginEventPosition,
  type LoginEventView,
  listLoginEvents,
} from './list-login-events.ts';
export { DEFAULT_LOGIN_EVENTS_RETENTION_MS, deleteOldLoginEvents } from './delete-old-login-events.ts';
