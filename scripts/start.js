'use strict';
// `npm start`: the whole system on this machine. Setup (packages, database,
// build) already ran as `prestart`. Ctrl-C stops everything started here.
const path = require('node:path');
const { Stack, devSecrets, RUN } = require('./lib/stack');
const { configCatalog, helpTable, unknownLookalikes, userEnv } = require('./lib/config-catalog');

async function main() {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    console.log(`npm start: the whole platform on this machine.\n\nEvery variable below is read from the environment or from .env at the root\n(the environment wins) and passed to the services whose schema knows it:\n\n${helpTable()}`);
    return;
  }
  const env = userEnv();
  for (const { name, suggestion } of unknownLookalikes(env, configCatalog())) {
    console.warn(`warning: ${name} is not a variable of any service${suggestion ? ` (did you mean ${suggestion}?)` : ''}; it is ignored.`);
  }
  const secrets = devSecrets(env);
  const basePort = Number(env.GATEWAY_PORT || 8080);
  const stack = new Stack({
    basePort,
    database: env.DATABASE_NAME || 'unified_storage',
    secrets,
    localRoot: env.LOCAL_STORAGE_ROOT || path.join(RUN, 'local-storage'),
    logDir: path.join(RUN, 'logs'),
    env,
  });
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nstopping…');
    await stack.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  console.log('starting the development Kafka broker and five services (logs in .run/logs/)…');
  try {
    await stack.start();
  } catch (err) {
    await stack.stop();
    throw err;
  }
  console.log(`
The platform is up.
  gateway:  ${stack.gatewayUrl}   (health: ${stack.gatewayUrl}/health)
  admin token: ${secrets.ADMIN_TOKEN}${env.ADMIN_TOKEN ? '' : '   (generated, kept in .run/secrets.json; set ADMIN_TOKEN to choose one)'}

Create an app and get its API key:
  curl -s -X POST ${stack.gatewayUrl}/v1/admin/apps -H 'Authorization: Bearer ${secrets.ADMIN_TOKEN}' \\
       -H 'Content-Type: application/json' -d '{"name":"my app"}'

Then connect a local-disk account and list it:
  curl -s -X POST ${stack.gatewayUrl}/v1/accounts -H 'Authorization: APIKey <api_key>' \\
       -H 'Content-Type: application/json' -d '{"service":"local","config":{"path":"alice"}}'
  curl -s ${stack.gatewayUrl}/v1/accounts/<id>/storage/folders/root/contents -H 'Authorization: APIKey <api_key>'

Press Ctrl-C to stop.`);
}

main().catch(async (err) => {
  console.error(`npm start failed: ${err.message}\nSee the logs in .run/logs/.`);
  process.exit(1);
});
