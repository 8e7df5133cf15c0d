import 'reflect-metadata';
import type { DynamicModule } from '@nestjs/common';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { AdminApiModule, ApiDocsModule } from '@optscale/admin-api';
import { HealthModule, type ReadinessCheck } from '@optscale/service-kit';
import type { DataSource } from 'typeorm';
import type { ServiceUnit } from './service-unit';

export interface ControlPlaneHttpOptions {
  dataSource: DataSource;
  bootstrapToken?: string;
  /** Largest admin request body (default 1 MiB); larger gets 413 naming `body`. */
  bodyLimitBytes?: number;
}

/** Readiness of the relational store: it answers a query. */
export function databaseCheck(dataSource: DataSource): ReadinessCheck {
  return {
    name: 'postgres',
    check: async () => {
      await dataSource.query('SELECT 1');
      return { ready: true };
    },
  };
}

/**
 * The Nest modules that serve the admin API of some units: the guard and problem errors, the
 * OpenAPI document of exactly their routes, and the units' own modules. The embedded platform
 * mounts these in the gateway's server; a distributed service in its own (`startControlPlaneApp`).
 */
export function controlPlaneModules(
  units: readonly ServiceUnit[],
  options: ControlPlaneHttpOptions,
): DynamicModule[] {
  return [
    AdminApiModule.forRoot({ dataSource: options.dataSource, bootstrapToken: options.bootstrapToken }),
    ApiDocsModule.forRoutes(
      units.flatMap((u) => u.routes),
      {
        title: `OptScale AI admin API (${units.map((u) => u.name).join(', ')})`,
        version: 'v1',
      },
    ),
    ...units.map((u) => u.module),
  ];
}

export interface RunningControlPlane {
  app: NestFastifyApplication;
  url: string;
  close(): Promise<void>;
}

/**
 * A distributed control-plane service: its units' admin API, `/healthz` and `/readyz` over the units'
 * checks and the database, on one port. Units are started (full publish) before it listens; closing
 * drains HTTP first, then stops the units.
 */
export async function startControlPlaneApp(
  units: readonly ServiceUnit[],
  options: ControlPlaneHttpOptions & { host: string; port: number; extraChecks?: ReadinessCheck[] },
): Promise<RunningControlPlane> {
  for (const unit of units) await unit.start();
  @Module({
    imports: [
      ...controlPlaneModules(units, options),
      HealthModule.forChecks([
        databaseCheck(options.dataSource),
        ...units.flatMap((u) => u.readiness),
        ...(options.extraChecks ?? []),
      ]),
    ],
  })
  class ControlPlaneRootModule {}
  const adapter = new FastifyAdapter({
    logger: false,
    bodyLimit: options.bodyLimitBytes ?? 1024 * 1024,
    return503OnClosing: true,
  });
  const app = await NestFactory.create<NestFastifyApplication>(ControlPlaneRootModule, adapter, {
    logger: ['error', 'warn'],
  });
  await app.listen(options.port, options.host);
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const host = options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host;
  return {
    app,
    url: `http://${host}:${port}`,
    close: async () => {
      await app.close();
      for (const unit of [...units].reverse()) await unit.close();
    },
  };
}
