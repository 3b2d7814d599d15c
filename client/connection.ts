/**
 * How the command line reaches Temporal: `TEMPORAL_ADDRESS` (default 127.0.0.1:7233) and
 * `TEMPORAL_NAMESPACE` (default `default`), read by the one configuration loader (config/settings.ts)
 * that the API and the worker use too.
 */
import { Client, Connection } from '@temporalio/client';
import { loadConfig } from '../config/settings.js';

export interface ConnectionSettings {
  address: string;
  namespace: string;
}

function connectionSettings(): ConnectionSettings {
  const { temporal } = loadConfig(['temporal']);
  return { address: temporal.TEMPORAL_ADDRESS, namespace: temporal.TEMPORAL_NAMESPACE };
}

export interface ConnectedClient {
  client: Client;
  settings: ConnectionSettings;
  close(): Promise<void>;
}

export async function connectClient(
  settings: ConnectionSettings = connectionSettings(),
): Promise<ConnectedClient> {
  let connection: Connection;
  try {
    connection = await Connection.connect({ address: settings.address, connectTimeout: '5 seconds' });
  } catch (e) {
    throw new Error(
      `无法连接 Temporal 服务（${settings.address}）：${(e as Error).message}。请确认服务已启动，或用环境变量 TEMPORAL_ADDRESS 指定地址`,
      { cause: e },
    );
  }
  return {
    client: new Client({ connection, namespace: settings.namespace }),
    settings,
    close: () => connection.close(),
  };
}
