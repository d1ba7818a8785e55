import { ArgumentsHost, Catch, HttpException, Inject, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { AppError, ERROR_CODES, InternalError, LOGGER, type ErrorCode } from '@app/common';
import { loggablePath } from './loggable-path';
import { sendError } from './send-error';

/** Every error leaves the gateway in the public format; unexpected ones are logged and become internal_error. */
@Catch()
export class PublicErrorFilter implements ExceptionFilter {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    sendError(res, inFilesApi(this.toAppError(exception, req), req), req.requestId);
  }

  private toAppError(exception: unknown, req: Request): AppError {
    if (exception instanceof AppError) return exception;
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      if (status === 404) return new AppError('not_found', `No resource at ${req.method} ${req.path}.`);
      if (status === 405) return new AppError('method_not_allowed', `${req.method} is not allowed on ${req.path}.`);
      if (status === 503 && typeof exception.getResponse() === 'object') {
        return new AppError('service_not_available', 'A dependency is not available.');
      }
      const code = (Object.keys(ERROR_CODES) as ErrorCode[]).find((c) => ERROR_CODES[c] === status) ?? 'bad_request';
      return new AppError(code, exception.message);
    }
    this.logger.error({ err: exception, path: loggablePath(req.path) }, 'gateway.unhandled_error');
    return new InternalError();
  }
}

/** The presigned-upload API (/v1/files, seed 001) names missing credentials and refusals its own way. */
function inFilesApi(error: AppError, req: Request): AppError {
  if (!/^\/v1\/files(\/|$)/.test(req.path)) return error;
  if (['authentication_required', 'unauthorized', 'invalid_token'].includes(error.code)) return new AppError('common/authentication-required', error.message);
  if (error.code === 'forbidden') return new AppError('file/access-denied', error.message);
  return error;
}
