import type { ListmonkClientOptions } from '../client/client-core.js';
import { createListmonkClient, type ListmonkClient } from '../client/create-listmonk-client.js';
import type { ListmonkEvent } from '../client/listmonk-event.js';
import { ListmonkError } from '../errors.js';
import {
  createListmonkStandIn,
  type ListmonkStandIn,
  type StandInOptions,
} from './create-listmonk-stand-in.js';
import { createRawApi } from './stand-in-fetch.js';

/** A stand-in with a raw fetch API for it. */
export interface StartedStandIn {
  standIn: ListmonkStandIn;
  api: ReturnType<typeof createRawApi>;
}

/** A stand-in plus a real client pointed at it, with what the client reported. */
export interface ConnectedStandIn extends StartedStandIn {
  client: ListmonkClient;
  events: ListmonkEvent[];
  /** Every wait the client asked for (retries, polling), in ms. */
  sleeps: number[];
}

/** Starts stand-ins (and clients) for a test file and closes them all at once. */
export interface StandInKit {
  start(options?: StandInOptions): Promise<StartedStandIn>;
  /** A stand-in and a client with fast polling (10 ms) and tiny retry waits, unless overridden. */
  connect(
    standInOptions?: StandInOptions,
    clientOptions?: Partial<ListmonkClientOptions>,
  ): Promise<ConnectedStandIn>;
  closeAll(): Promise<void>;
}

/**
 * Test helper: call `closeAll()` in `afterEach`.
 *
 * @example
 * const kit = createStandInKit();
 * afterEach(() => kit.closeAll());
 * const { client, standIn } = await kit.connect({ version: 5 });
 */
export function createStandInKit(defaults: StandInOptions = {}): StandInKit {
  const started: ListmonkStandIn[] = [];
  const kit: StandInKit = {
    async start(options = {}) {
      const standIn = await createListmonkStandIn({ ...defaults, ...options });
      started.push(standIn);
      return { standIn, api: createRawApi(standIn) };
    },
    async connect(standInOptions = {}, clientOptions = {}) {
      const { standIn, api } = await kit.start(standInOptions);
      const events: ListmonkEvent[] = [];
      const sleeps: number[] = [];
      const client = createListmonkClient({
        url: standIn.url,
        username: standIn.username,
        token: standIn.token,
        pollIntervalMs: 10,
        restartTimeoutMs: 5_000,
        retry: { baseDelayMs: 1, maxDelayMs: 8 },
        onEvent: (e) => events.push(e),
        sleep: (ms) => {
          sleeps.push(ms);
          return new Promise((resolve) => setTimeout(resolve, ms));
        },
        ...clientOptions,
      });
      return { standIn, api, client, events, sleeps };
    },
    async closeAll() {
      for (const standIn of started.splice(0)) await standIn.close();
    },
  };
  return kit;
}

/** The ListmonkError a promise rejects with; throws when it resolves or fails otherwise. */
export async function catchListmonkError(promise: Promise<unknown>): Promise<ListmonkError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ListmonkError) return error;
    throw error;
  }
  throw new Error('expected a ListmonkError, but the call succeeded');
}
