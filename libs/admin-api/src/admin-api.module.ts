import { Global, Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { ADMIN_API_OPTIONS, type AdminApiOptions } from './admin-api.options';
import { AdminAuthGuard } from './auth.guard';
import { ProblemFilter } from './problem.filter';

/**
 * The admin API's cross-cutting parts, mounted once per process: the global guard (every handler
 * declares its access), problem-JSON errors, and the options (data source, bootstrap token) that
 * the services' modules inject.
 */
@Global()
@Module({})
export class AdminApiModule {
  static forRoot(options: AdminApiOptions): DynamicModule {
    return {
      module: AdminApiModule,
      providers: [
        { provide: ADMIN_API_OPTIONS, useValue: options },
        { provide: APP_GUARD, useClass: AdminAuthGuard },
        { provide: APP_FILTER, useClass: ProblemFilter },
      ],
      exports: [ADMIN_API_OPTIONS],
    };
  }
}
