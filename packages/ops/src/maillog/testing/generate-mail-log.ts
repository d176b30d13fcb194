/**
 * A generator of realistic Postfix + OpenDKIM mail logs for tests and the benchmark: Listmonk
 * submissions over the Docker bridge, cleanup, OpenDKIM signatures, qmgr, per-IP transports
 * (`postfix/out05/smtp`), deliveries to Gmail, Microsoft, Yahoo and the long tail with the reply texts
 * of ../shared/DOMAIN.md §4, deferrals retried later, bounces, expiries, bind failures with primary-IP
 * fallback, inbound noise and a few broken lines. Deterministic for a seed. It records the totals it
 * wrote, counted the way pflogsumm counts them.
 */

/** Timestamp layout: syslog `Jun  1`, Postfix postlogd `Jun 01`, RFC 3339, or all three by day. */
export type GeneratedFormat = 'rfc3164' | 'postlogd' | 'rfc3339' | 'mixed';

/** Options for {@link generateMailLog}. */
export interface GenerateMailLogOptions {
  /** Stop after about this many lines (the last message's lines are completed). */
  lines: number;
  seed?: number;
  /** First line's wall-clock time (default 2026-06-20T00:00:00, read as the log's local time). */
  start?: Date;
  format?: GeneratedFormat;
  /** Messages a minute (default 40, about the runbook's ramp at full warm-up). */
  messagesPerMinute?: number;
  /** Transport → sending IP (default out05/out06/out07 on 203.0.113.94–96). */
  transportIps?: Record<string, string>;
  primaryIp?: string;
  /** Share of campaign messages OpenDKIM signs (default 1). */
  signedShare?: number;
  /** Share of deliveries preceded by a bind failure and sent from the primary IP (default 0.002). */
  bindFailureShare?: number;
  /** Use `enable_long_queue_ids` style ids (default: short hex). */
  longQueueIds?: boolean;
}

/** What the generator wrote. */
export interface GeneratedTotals {
  lines: number;
  messages: number;
  /** `status=sent` lines. */
  sent: number;
  /** Messages with at least one `status=deferred` line. */
  deferred: number;
  deferrals: number;
  /** `status=bounced` lines. */
  bounced: number;
  /** Messages expired by qmgr. */
  expired: number;
  dkimSigned: number;
  bindFailures: number;
  /** Lines that are not syslog lines. */
  malformed: number;
  /** Deliveries per reply kind. */
  replies: Record<string, number>;
}

const SHORT_MONTH = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const LONG_QID_ALPHABET = '0123456789BCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz';

interface Operator {
  name: string;
  weight: number;
  relays: Array<[string, string]>;
  domains: string[];
  replies: Array<[ReplyKind, number]>;
}

type ReplyKind =
  | 'sent'
  | 'gmail_unsolicited'
  | 'gmail_rate'
  | 'yahoo_tss04'
  | 'ms_s775'
  | 'ms_s3150'
  | 'ms_5_7_515'
  | 'dead_tenant'
  | 'user_unknown'
  | 'mailbox_full'
  | 'timeout'
  | 'rlr621'
  | 'spamhaus'
  | 'content';

const OPERATORS: Operator[] = [
  {
    name: 'google',
    weight: 30,
    relays: [
      ['gmail-smtp-in.l.google.com', '142.250.27.26'],
      ['alt1.gmail-smtp-in.l.google.com', '142.250.153.27'],
      ['aspmx.l.google.com', '64.233.184.27'],
    ],
    domains: ['gmail.com', 'haulers-inc.com', 'midwestfreight.net'],
    replies: [
      ['sent', 86],
      ['gmail_unsolicited', 6],
      ['gmail_rate', 4],
      ['user_unknown', 4],
    ],
  },
  {
    name: 'microsoft',
    weight: 25,
    relays: [
      ['hotmail-com.olc.protection.outlook.com', '52.101.8.33'],
      ['acmetrucking-com.mail.protection.outlook.com', '52.101.42.2'],
      ['clinic-org.mail.protection.outlook.com', '52.101.194.9'],
    ],
    domains: ['hotmail.com', 'outlook.com', 'acmetrucking.com', 'clinic.org'],
    replies: [
      ['sent', 78],
      ['ms_s775', 8],
      ['ms_s3150', 2],
      ['ms_5_7_515', 1],
      ['dead_tenant', 7],
      ['user_unknown', 4],
    ],
  },
  {
    name: 'yahoo',
    weight: 3,
    relays: [
      ['mta6.am0.yahoodns.net', '67.195.204.77'],
      ['mta5.am0.yahoodns.net', '67.195.228.106'],
    ],
    domains: ['yahoo.com', 'aol.com'],
    replies: [
      ['sent', 40],
      ['yahoo_tss04', 60],
    ],
  },
  {
    name: 'proofpoint',
    weight: 8,
    relays: [['mx0a-001b2d01.pphosted.com', '148.163.156.1']],
    domains: ['bigcarrier.com'],
    replies: [
      ['sent', 90],
      ['content', 4],
      ['user_unknown', 6],
    ],
  },
  {
    name: 'other',
    weight: 34,
    relays: [
      ['mx.comcast.net', '96.114.157.80'],
      ['mail.smallfleet.com', '198.51.100.25'],
      ['mx1.ruralisp.net', '198.51.100.40'],
      ['mx.emailsrvr.com', '146.20.161.10'],
    ],
    domains: ['comcast.net', 'smallfleet.com', 'ruralisp.net', 'dispatchco.com'],
    replies: [
      ['sent', 80],
      ['user_unknown', 6],
      ['mailbox_full', 2],
      ['timeout', 7],
      ['rlr621', 2],
      ['spamhaus', 1],
      ['content', 2],
    ],
  },
];

/** A small, fast, seedable PRNG (mulberry32). */
function createRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Pending {
  time: number;
  run: () => void;
}

/** A binary min-heap of future events by time. */
function createHeap() {
  const items: Pending[] = [];
  return {
    push(item: Pending) {
      items.push(item);
      let i = items.length - 1;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (items[parent]!.time <= items[i]!.time) break;
        [items[parent], items[i]] = [items[i]!, items[parent]!];
        i = parent;
      }
    },
    peek: () => items[0],
    pop(): Pending | undefined {
      const top = items[0];
      const last = items.pop();
      if (items.length > 0 && last !== undefined) {
        items[0] = last;
        let i = 0;
        for (;;) {
          const l = i * 2 + 1;
          const r = l + 1;
          let m = i;
          if (l < items.length && items[l]!.time < items[m]!.time) m = l;
          if (r < items.length && items[r]!.time < items[m]!.time) m = r;
          if (m === i) break;
          [items[m], items[i]] = [items[i]!, items[m]!];
          i = m;
        }
      }
      return top;
    },
    get size() {
      return items.length;
    },
  };
}

/**
 * Writes a realistic mail log through `write` (in chunks of many lines) and returns what it wrote.
 *
 * @example
 * let text = '';
 * const totals = generateMailLog({ lines: 10_000, seed: 7 }, (chunk) => { text += chunk; });
 */
export function generateMailLog(
  options: GenerateMailLogOptions,
  write: (chunk: string) => void,
): GeneratedTotals {
  const random = createRandom(options.seed ?? 1);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const weighted = <T>(list: ReadonlyArray<[T, number]>): T => {
    const total = list.reduce((s, [, w]) => s + w, 0);
    let r = random() * total;
    for (const [value, w] of list) {
      r -= w;
      if (r < 0) return value;
    }
    return list[list.length - 1]![0];
  };
  const format = options.format ?? 'rfc3164';
  const transportIps = options.transportIps ?? {
    out05: '203.0.113.94',
    out06: '203.0.113.95',
    out07: '203.0.113.96',
  };
  const transports = Object.keys(transportIps);
  const primaryIp = options.primaryIp ?? '203.0.113.71';
  const signedShare = options.signedShare ?? 1;
  const bindFailureShare = options.bindFailureShare ?? 0.002;
  const perMinute = options.messagesPerMinute ?? 40;
  const startMs = (options.start ?? new Date(Date.UTC(2026, 5, 20))).getTime();
  const operatorWeights = OPERATORS.map((o) => [o, o.weight] as [Operator, number]);

  const totals: GeneratedTotals = {
    lines: 0,
    messages: 0,
    sent: 0,
    deferred: 0,
    deferrals: 0,
    bounced: 0,
    expired: 0,
    dkimSigned: 0,
    bindFailures: 0,
    malformed: 0,
    replies: {},
  };
  let buffer: string[] = [];
  const flush = () => {
    if (buffer.length > 0) write(`${buffer.join('\n')}\n`);
    buffer = [];
  };

  let stampCacheSecond = -1;
  let stampCache = '';
  const stamp = (ms: number): string => {
    const second = Math.floor(ms / 1000);
    const d = new Date(ms);
    // Mixed: the layout changes every hour, as when a host moves between rsyslog and postlogd.
    const hourIndex = Math.floor((ms - startMs) / 3_600_000);
    const f = format === 'mixed' ? (['rfc3164', 'postlogd', 'rfc3339'] as const)[hourIndex % 3]! : format;
    if (f === 'rfc3339') {
      const micros = String(Math.floor(random() * 1_000_000)).padStart(6, '0');
      return `${d.toISOString().slice(0, 19)}.${micros}-05:00`;
    }
    if (second === stampCacheSecond) return stampCache;
    const day = d.getUTCDate();
    const dd = f === 'postlogd' ? String(day).padStart(2, '0') : String(day).padStart(2, ' ');
    stampCacheSecond = second;
    stampCache = `${SHORT_MONTH[d.getUTCMonth()]} ${dd} ${d.toISOString().slice(11, 19)}`;
    return stampCache;
  };
  const host = 'mail';
  const emit = (ms: number, program: string, pid: number, message: string) => {
    buffer.push(`${stamp(ms)} ${host} ${program}[${pid}]: ${message}`);
    totals.lines += 1;
    if (buffer.length >= 2048) flush();
  };

  let qidCounter = 0;
  const nextQid = (): string => {
    qidCounter += 1;
    // Multiplying by an odd constant modulo 2^36 is a bijection: ids are unique and look random.
    const n = (qidCounter * 0x9e3779b1) % 0x1000000000;
    if (!options.longQueueIds) return n.toString(16).toUpperCase().padStart(9, '0');
    let x = n * 7 + 1_750_000_000;
    let id = '';
    for (let i = 0; i < 15; i++) {
      id += LONG_QID_ALPHABET[x % LONG_QID_ALPHABET.length];
      x = Math.floor(x / LONG_QID_ALPHABET.length) + (i === 6 ? qidCounter : 0);
    }
    return id;
  };
  const pid = (base: number) => base + Math.floor(random() * 900);
  const seconds = (s: number) => s.toFixed(s < 10 ? 2 : 0).replace(/\.?0+$/, '') || '0';

  const reply = (
    kind: ReplyKind,
    relayHost: string,
    relayIp: string,
    ip: string,
    rcpt: string,
    ms: number,
  ) => {
    const token = Math.floor(random() * 1e12).toString(36);
    const iso = new Date(ms).toISOString();
    const said = `host ${relayHost}[${relayIp}] said:`;
    switch (kind) {
      case 'sent':
        return relayHost.includes('google')
          ? {
              dsn: '2.0.0',
              status: 'sent',
              text: `250 2.0.0 OK  ${Math.floor(ms / 1000)} d2e1a72fcca58-${token}si${token}b3a.${token.length} - gsmtp`,
            }
          : { dsn: '2.0.0', status: 'sent', text: `250 2.0.0 Ok: queued as ${token.toUpperCase()}` };
      case 'gmail_unsolicited':
        return {
          dsn: '5.7.1',
          status: 'bounced',
          text: `${said} 550-5.7.1 [${ip}      12] Gmail has detected that this message is likely unsolicited mail. To reduce the amount of spam sent to Gmail, this message has been blocked. For more information, go to 550 5.7.1  https://support.google.com/mail/?p=UnsolicitedMessageError d2e1a72fcca58-${token}si${token}.145 - gsmtp (in reply to end of DATA command)`,
        };
      case 'gmail_rate':
        return {
          dsn: '4.7.28',
          status: 'deferred',
          text: `${said} 421-4.7.28 [${ip}      15] Gmail has detected an unusual rate of unsolicited mail originating from your IP address. To protect our users from spam, mail sent from your IP address has been temporarily rate limited. For more information, go to 421 4.7.28  https://support.google.com/mail/?p=UnsolicitedRateLimitError ${token} - gsmtp (in reply to end of DATA command)`,
        };
      case 'yahoo_tss04':
        return {
          dsn: '4.7.0',
          status: 'deferred',
          text: `${said} 421 4.7.0 [TSS04] Messages from ${ip} temporarily deferred due to unexpected volume or user complaints - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes (in reply to MAIL FROM command)`,
        };
      case 'ms_s775':
        return {
          dsn: '4.7.650',
          status: 'deferred',
          text: `${said} 451 4.7.650 The mail server [${ip}] has been temporarily rate limited due to IP reputation. For e-mail delivery information, see https://aka.ms/postmaster (S775) [Name=Protocol Filter Agent][AGT=PFA][MxId=11BA${token.toUpperCase()}] [BN1NAM02FT049.eop-nam02.prod.protection.outlook.com ${iso} 08DC93F5F7C4D8E1] (in reply to MAIL FROM command)`,
        };
      case 'ms_s3150':
        return {
          dsn: '5.7.1',
          status: 'bounced',
          text: `${said} 550 5.7.1 Unfortunately, messages from [${ip}] weren't sent. Please contact your Internet service provider since part of their network is on our block list (S3150). You can also refer your provider to http://mail.live.com/mail/troubleshooting.aspx#errors. [AM4PEPF00027A65.eurprd04.prod.outlook.com ${iso} 08DC9${token.toUpperCase()}] (in reply to MAIL FROM command)`,
        };
      case 'ms_5_7_515':
        return {
          dsn: '5.7.515',
          status: 'bounced',
          text: `${said} 550 5.7.515 Access denied, sending domain mail.example.net doesn't meet the required authentication level. The sender's domain in the 5322.From address doesn't meet the authentication requirements defined for the sender. To learn more about this error, see https://aka.ms/AuthRequirements [SN1PEPF0002636D.namprd02.prod.outlook.com ${iso}] (in reply to end of DATA command)`,
        };
      case 'dead_tenant':
        return {
          dsn: '4.4.4',
          status: 'deferred',
          text: `${said} 451 4.4.4 Mail received as unauthenticated, incoming to a recipient domain configured in a hosted tenant which has no mail-enabled subscriptions. ATTR5 [DM6NAM12FT081.eop-nam12.prod.protection.outlook.com ${iso}] (in reply to RCPT TO command)`,
        };
      case 'user_unknown':
        return {
          dsn: '5.1.1',
          status: 'bounced',
          text: relayHost.includes('google')
            ? `${said} 550-5.1.1 The email account that you tried to reach does not exist. Please try 550-5.1.1 double-checking the recipient's email address for typos or 550-5.1.1 unnecessary spaces. For more information, go to 550 5.1.1  https://support.google.com/mail/?p=NoSuchUser ${token} - gsmtp (in reply to RCPT TO command)`
            : `${said} 550 5.1.1 <${rcpt}>: Recipient address rejected: User unknown in virtual mailbox table (in reply to RCPT TO command)`,
        };
      case 'mailbox_full':
        return {
          dsn: '5.2.2',
          status: 'bounced',
          text: `${said} 552 5.2.2 <${rcpt}>: Mailbox full (in reply to RCPT TO command)`,
        };
      case 'timeout':
        return {
          dsn: '4.4.1',
          status: 'deferred',
          text: `connect to ${relayHost}[${relayIp}]:25: Connection timed out`,
          none: true,
        };
      case 'rlr621':
        return {
          dsn: '4.7.1',
          status: 'deferred',
          text: `${said} 451 4.7.1 Message temporarily deferred: blacklisted - RLR621 - ip=<${ip}> (in reply to MAIL FROM command)`,
        };
      case 'spamhaus':
        return {
          dsn: '5.7.1',
          status: 'bounced',
          text: `${said} 554 5.7.1 Service unavailable; Client host [${ip}] blocked using zen.spamhaus.org; https://www.spamhaus.org/query/ip/${ip} (in reply to RCPT TO command)`,
        };
      case 'content':
        return {
          dsn: '5.7.1',
          status: 'bounced',
          text: `${said} 554 5.7.1 Message rejected due to content restrictions (in reply to end of DATA command)`,
        };
    }
  };

  const heap = createHeap();
  let clock = startMs;
  const gapMs = 60_000 / perMinute;

  const deliver = (
    ms: number,
    qid: string,
    sender: string,
    rcpt: string,
    op: Operator,
    transport: string | undefined,
    arrival: number,
    attempt: number,
    everDeferred: boolean,
  ) => {
    const [relayHost, relayIp] = pick(op.relays);
    let ip = transport === undefined ? primaryIp : transportIps[transport]!;
    const program = transport === undefined ? 'postfix/smtp' : `postfix/${transport}/smtp`;
    const smtpPid = pid(20000);
    if (transport !== undefined && random() < bindFailureShare) {
      emit(ms, program, smtpPid, `warning: smtp_connect_addr: bind ${ip}: Cannot assign requested address`);
      totals.bindFailures += 1;
      ip = primaryIp;
    }
    // Retries of a deferred message mostly succeed; the rest defer again or bounce.
    let kind: ReplyKind =
      attempt === 0 ? weighted(op.replies) : random() < 0.6 ? 'sent' : weighted(op.replies);
    if (kind === 'timeout' && random() < 0.5 && attempt > 0) kind = 'sent';
    totals.replies[kind] = (totals.replies[kind] ?? 0) + 1;
    const r = reply(kind, relayHost, relayIp, ip, rcpt, ms);
    const delay = (ms - arrival) / 1000 + 0.4 + random() * 1.5;
    const relay = 'none' in r ? 'none' : `${relayHost}[${relayIp}]:25`;
    const delays = `${seconds(Math.max(0, delay - 1.2))}/0.01/${seconds(0.3 + random() * 0.5)}/${seconds(0.2 + random() * 0.5)}`;
    emit(
      ms,
      program,
      smtpPid,
      `${qid}: to=<${rcpt}>, relay=${relay}, delay=${seconds(delay)}, delays=${delays}, dsn=${r.dsn}, status=${r.status} (${r.text})`,
    );
    if (r.status === 'sent') totals.sent += 1;
    else if (r.status === 'bounced') totals.bounced += 1;
    else {
      totals.deferrals += 1;
      if (!everDeferred) totals.deferred += 1;
    }
    const done = (at: number) => emit(at, 'postfix/qmgr', 1201, `${qid}: removed`);
    if (r.status === 'deferred') {
      if (attempt >= 3) {
        const at = ms + 3_600_000 * (4 + random() * 4);
        heap.push({
          time: at,
          run: () => {
            emit(at, 'postfix/qmgr', 1201, `${qid}: from=<${sender}>, status=expired, returned to sender`);
            totals.expired += 1;
            done(at + 5);
          },
        });
        return;
      }
      const at = ms + 60_000 * (5 + random() * 55) * (attempt + 1);
      heap.push({
        time: at,
        run: () => {
          emit(
            at,
            'postfix/qmgr',
            1201,
            `${qid}: from=<${sender}>, size=${18000 + attempt}, nrcpt=1 (queue active)`,
          );
          deliver(at + 400, qid, sender, rcpt, op, transport, arrival, attempt + 1, true);
        },
      });
      return;
    }
    if (r.status === 'bounced') {
      const notice = nextQid();
      emit(ms + 1, 'postfix/cleanup', pid(8000), `${notice}: message-id=<${ms}.${notice}@mail.example.net>`);
      totals.messages += 1;
      emit(ms + 1, 'postfix/bounce', pid(9000), `${qid}: sender non-delivery notification: ${notice}`);
      emit(ms + 2, 'postfix/qmgr', 1201, `${notice}: from=<>, size=4200, nrcpt=1 (queue active)`);
      emit(
        ms + 3,
        'postfix/local',
        pid(9500),
        `${notice}: to=<${sender.replace(/@.*/, '')}@mail.example.net>, relay=local, delay=0.02, delays=0/0.01/0/0.01, dsn=2.0.0, status=sent (delivered to mailbox)`,
      );
      totals.sent += 1;
      emit(ms + 3, 'postfix/qmgr', 1201, `${notice}: removed`);
    }
    done(ms + 1);
  };

  const noise = (ms: number) => {
    const n = random();
    const scanner = `${Math.floor(random() * 223) + 1}.${Math.floor(random() * 255)}.${Math.floor(random() * 255)}.${Math.floor(random() * 255)}`;
    const p = pid(3000);
    if (n < 0.35) {
      emit(ms, 'postfix/smtpd', p, `connect from unknown[${scanner}]`);
      emit(ms + 800, 'postfix/smtpd', p, `lost connection after AUTH from unknown[${scanner}]`);
      emit(ms + 801, 'postfix/smtpd', p, `disconnect from unknown[${scanner}] ehlo=1 auth=0/1 commands=1/2`);
    } else if (n < 0.55) {
      emit(
        ms,
        'postfix/smtpd',
        p,
        `NOQUEUE: reject: RCPT from unknown[${scanner}]: 554 5.7.1 <spameri@tiscali.it>: Relay access denied; from=<spameri@tiscali.it> to=<spameri@tiscali.it> proto=ESMTP helo=<WIN-CLJ1B0GQ6JP>`,
      );
    } else if (n < 0.7) {
      emit(
        ms,
        'postfix/submission/smtpd',
        p,
        `warning: unknown[${scanner}]: SASL LOGIN authentication failed: UGFzc3dvcmQ6`,
      );
    } else if (n < 0.8) {
      emit(
        ms,
        'postfix/anvil',
        p,
        `statistics: max connection rate 1/60s for (smtp:${scanner}) at ${SHORT_MONTH[new Date(ms).getUTCMonth()]} 20 04:10:11`,
      );
    } else if (n < 0.9) {
      emit(
        ms,
        'dovecot',
        p,
        `imap-login: Disconnected (no auth attempts in 0 secs): user=<>, rip=${scanner}, lip=203.0.113.71, session=<${Math.floor(random() * 1e12).toString(36)}>`,
      );
    } else if (n < 0.97) {
      emit(
        ms,
        'postfix/postscreen',
        p,
        `CONNECT from [${scanner}]:${40000 + Math.floor(random() * 20000)} to [203.0.113.71]:25`,
      );
    } else {
      // Broken lines as real logs have them: cut off by a copy, or a stray message without a prefix.
      buffer.push(
        random() < 0.5
          ? `${stamp(ms)} ${host} postfix/smtpd[${p}]: disconnect from unkn`
          : 'postfix/smtpd: message repeated 3 times',
      );
      totals.lines += 1;
      if (buffer[buffer.length - 1]!.startsWith('postfix/smtpd:')) totals.malformed += 1;
    }
  };

  while (totals.lines < options.lines) {
    clock += gapMs * (0.5 + random());
    while (heap.size > 0 && heap.peek()!.time <= clock) heap.pop()!.run();
    if (random() < 0.12) noise(clock);
    const op = weighted(operatorWeights);
    const rcpt = `${pick(['dispatch', 'safety', 'info', 'office', 'j.smith', 'ops'])}${Math.floor(random() * 99999)}@${pick(op.domains)}`;
    // Most mail is campaign mail on the warmed transports; some is transactional from the primary IP.
    const transactional = random() < 0.05;
    const transport = transactional ? undefined : pick(transports);
    const sender = transactional ? 'noreply@example.net' : 'compliance@mail.example.net';
    const qid = nextQid();
    const t = clock;
    const smtpdPid = pid(4000);
    const client = transactional ? 'localhost[127.0.0.1]' : 'unknown[172.18.0.5]';
    emit(t, 'postfix/smtpd', smtpdPid, `connect from ${client}`);
    emit(t + 10, 'postfix/smtpd', smtpdPid, `${qid}: client=${client}`);
    emit(
      t + 20,
      'postfix/cleanup',
      pid(8000),
      `${qid}: message-id=<${qid.toLowerCase()}.${Math.floor(t)}@mail.example.net>`,
    );
    totals.messages += 1;
    if (transactional || random() < signedShare) {
      emit(
        t + 25,
        'opendkim',
        880,
        `${qid}: DKIM-Signature field added (s=mail, d=${transactional ? 'example.net' : 'mail.example.net'})`,
      );
      totals.dkimSigned += 1;
    }
    emit(
      t + 30,
      'postfix/qmgr',
      1201,
      `${qid}: from=<${sender}>, size=${17000 + Math.floor(random() * 4000)}, nrcpt=1 (queue active)`,
    );
    emit(
      t + 31,
      'postfix/smtpd',
      smtpdPid,
      `disconnect from ${client} ehlo=1 mail=1 rcpt=1 data=1 quit=1 commands=5`,
    );
    deliver(t + 400 + random() * 1500, qid, sender, rcpt, op, transport, t, 0, false);
  }
  // Finish the retries already scheduled so every message's history is complete.
  while (heap.size > 0) heap.pop()!.run();
  flush();
  return totals;
}
