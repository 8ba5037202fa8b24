export { jsonErrorHandler, logHttpError, normalizeHttpError } from './error-handler.ts';
export { listenOn, type ListeningServer, type ListenOptions } from './listen.ts';
export { locals, requestContext, type RequestLocals } from './request-context.ts';
