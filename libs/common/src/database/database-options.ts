import type { DataSourceOptions } from 'typeorm';

/**
 * One DataSource per service: its own role (in DATABASE_URL), its own schema,
 * its own migrations table. Migrations run at start; synchronize is never on.
 */
export function databaseOptions(opts: {
  url: string;
  schema: string;
  entities: DataSourceOptions['entities'];
  migrations: DataSourceOptions['migrations'];
}): DataSourceOptions {
  return {
    type: 'postgres',
    url: opts.url,
    schema: opts.schema,
    entities: opts.entities,
    migrations: opts.migrations,
    migrationsTableName: 'migrations',
    migrationsRun: true,
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: false,
    // search_path makes the schema the default for raw SQL in migrations too.
    extra: { max: 10, connectionTimeoutMillis: 3000, options: `-c search_path=${opts.schema}` },
  };
}
