// The subpath, not the package: the SDK's index reaches this module, and the builder's index
// would load all of the builder (handlebars, Listmonk's HTTP client) with every `import 'mailramp'`.
import { VERTICALS } from '@mailramp/builder/segments';
import type { Config } from '@mailramp/config';
import { listmonkInstanceOf } from '../listmonk/listmonk-instance-of.js';

/**
 * The warm-up stream a vertical's build caps by: the stream named after the vertical, else the
 * one feeding the vertical's Listmonk instance (`warmup.streams.<s>.listmonk`).
 */
export function warmupStreamOfVertical(
  config: Config,
  vertical: string,
  instance: string = listmonkInstanceOf(config, vertical),
): [string, Config['warmup']['streams'][string]] | undefined {
  const streams = Object.entries(config.warmup.streams);
  return (
    streams.find(([name]) => name === vertical) ?? streams.find(([, s]) => s.listmonk.includes(instance))
  );
}

/**
 * The configured Listmonk instances each warm-up stream's mail goes through, as the build sends
 * it: the stream's explicit `listmonk` and the instance of every vertical whose build caps by the
 * stream. A stream mapped to none is one the guard cannot stop in Listmonk (only hold).
 */
export function streamListmonkInstances(config: Config): Map<string, string[]> {
  const configured = new Set(Object.keys(config.listmonk.instances));
  const out = new Map<string, string[]>();
  for (const [name, stream] of Object.entries(config.warmup.streams)) out.set(name, [...stream.listmonk]);
  for (const vertical of VERTICALS) {
    const instance = listmonkInstanceOf(config, vertical);
    const found = warmupStreamOfVertical(config, vertical, instance);
    if (found === undefined || !configured.has(instance)) continue;
    const list = out.get(found[0])!;
    if (!list.includes(instance)) list.push(instance);
  }
  return out;
}

/** `config check` warnings: each warm-up stream whose mail reaches no configured Listmonk instance. */
export function unreachedStreamWarnings(config: Config): string[] {
  return [...streamListmonkInstances(config)]
    .filter(([, instances]) => instances.length === 0)
    .map(
      ([name]) =>
        `warmup.streams.${name} reaches no Listmonk instance: a guard STOP would only hold its ramp cap and leave its campaigns running/scheduled; add the instance under listmonk.instances (named after the vertical, or build.verticals.<v>.listmonkInstance) or set warmup.streams.${name}.listmonk`,
    );
}
