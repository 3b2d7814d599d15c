import { inject } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';

/** Connections to the run's shared dev server (see global-dev-server.ts). */
export async function connectToDevServer(): Promise<{
  client: Client;
  nativeConnection: NativeConnection;
  close(): Promise<void>;
}> {
  const address = inject('temporalAddress');
  const [connection, nativeConnection] = await Promise.all([
    Connection.connect({ address }),
    NativeConnection.connect({ address }),
  ]);
  return {
    client: new Client({ connection }),
    nativeConnection,
    async close() {
      await Promise.all([connection.close(), nativeConnection.close()]);
    },
  };
}
