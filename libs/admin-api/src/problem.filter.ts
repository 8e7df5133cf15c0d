import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { ApiProblem, problems } from './problem';

interface Reply {
  status(code: number): Reply;
  header(name: string, value: string): Reply;
  send(body: string): unknown;
}

/** Fastify's errors carry a code and a status (body too large, bad JSON, bad content type). */
interface FastifyError {
  code?: string;
  statusCode?: number;
  message: string;
}

/**
 * Maps every error of every handler to problem JSON, once (STYLE.md 5). Unknown errors become a
 * 500 whose body says nothing about internals; the error is logged.
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('AdminApi');

  catch(error: unknown, host: ArgumentsHost): void {
    const problem = this.toProblem(error);
    const reply = host.switchToHttp().getResponse<Reply>();
    reply
      .status(problem.status)
      .header('content-type', 'application/problem+json')
      .send(JSON.stringify(problem.toBody()));
  }

  private toProblem(error: unknown): ApiProblem {
    if (error instanceof ApiProblem) return error;
    if (error instanceof HttpException) {
      const status = error.getStatus();
      // Our handlers throw ApiProblem; Nest's own HttpExceptions come from routing and body parsing.
      switch (status) {
        case 404:
          return new ApiProblem(404, 'not_found', 'no such endpoint');
        case 400:
          return problems.badRequest('the body is not valid JSON', 'body');
        case 413:
          return new ApiProblem(413, 'payload_too_large', 'the request body is too large', [
            { field: 'body', message: 'too large' },
          ]);
        case 415:
          return new ApiProblem(415, 'unsupported_media_type', 'send the body as application/json', [
            { field: 'content-type', message: 'expected application/json' },
          ]);
        default:
          return new ApiProblem(status, 'http', error.message);
      }
    }
    const fastify = error as FastifyError;
    switch (fastify.code ?? '') {
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return new ApiProblem(413, 'payload_too_large', 'the request body is too large', [
          { field: 'body', message: 'too large' },
        ]);
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return new ApiProblem(415, 'unsupported_media_type', 'send the body as application/json', [
          { field: 'content-type', message: 'expected application/json' },
        ]);
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
        return problems.badRequest('the JSON body is empty', 'body');
      case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
        return problems.badRequest('content-length does not match the body', 'body');
    }
    if (error instanceof SyntaxError || fastify.statusCode === 400) {
      return problems.badRequest('the body is not valid JSON', 'body');
    }
    this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    return new ApiProblem(500, 'internal', 'internal error; the server log has the details');
  }
}
