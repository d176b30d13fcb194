import { randomUUID } from 'node:crypto';
import type { StandInContext } from './stand-in-http.js';
import { ts } from './stand-in-http.js';
import type { StoredSubscriber } from './stand-in-state.js';

/** Listmonk's e-mail check (net/mail address, at most 1000 bytes). */
export function isEmail(email: string): boolean {
  return Buffer.byteLength(email) <= 1000 && /^[^\s@<>()",;:\\[\]]+@[^\s@<>()",;:\\[\]]+$/.test(email);
}

/** True when the address's domain is in `privacy.domain_blocklist` (exact or wildcard `*.d`). */
export function isBlockedDomain(email: string, ctx: StandInContext): boolean {
  const domain = email.slice(email.lastIndexOf('@') + 1).toLowerCase();
  const blocked = (ctx.state.appliedSettings['privacy.domain_blocklist'] as string[] | undefined) ?? [];
  return blocked.some((d) => {
    const entry = d.trim().toLowerCase();
    return entry === domain || (entry.startsWith('*.') && domain.endsWith(entry.slice(1)));
  });
}

/** The subscriber with this address (case-insensitive, as Listmonk's unique index). */
export function findByEmail(email: string, ctx: StandInContext): StoredSubscriber | undefined {
  const wanted = email.trim().toLowerCase();
  for (const s of ctx.state.subscribers.values()) if (s.email.toLowerCase() === wanted) return s;
  return undefined;
}

/** Inserts a subscriber; an empty name becomes the e-mail's local part. */
export function insertSubscriber(
  ctx: StandInContext,
  input: {
    email: string;
    name: string;
    status?: StoredSubscriber['status'];
    attribs?: Record<string, unknown>;
  },
): StoredSubscriber {
  const email = input.email.trim();
  const subscriber: StoredSubscriber = {
    id: ctx.state.nextId.subscriber++,
    uuid: randomUUID(),
    email,
    name: input.name.trim() === '' ? email.slice(0, email.lastIndexOf('@')) : input.name.trim(),
    status: input.status ?? 'enabled',
    attribs: input.attribs ?? {},
    lists: new Map(),
    createdAt: ctx.now(),
    updatedAt: ctx.now(),
  };
  ctx.state.subscribers.set(subscriber.id, subscriber);
  return subscriber;
}

/** A subscriber as Listmonk answers it. */
export function subscriberOut(s: StoredSubscriber, ctx: StandInContext): Record<string, unknown> {
  return {
    id: s.id,
    uuid: s.uuid,
    email: s.email,
    name: s.name,
    attribs: s.attribs,
    status: s.status,
    lists: [...s.lists.entries()]
      .filter(([id]) => ctx.state.lists.has(id))
      .map(([id, status]) => {
        const list = ctx.state.lists.get(id)!;
        return {
          id,
          uuid: list.uuid,
          name: list.name,
          type: list.type,
          optin: list.optin,
          tags: list.tags,
          subscription_status: status,
        };
      }),
    created_at: ts(s.createdAt),
    updated_at: ts(s.updatedAt),
  };
}
