import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDomainFamilies } from './create-domain-families.js';
import { DOMAIN_FAMILIES } from './domain-families.js';
import { domainOf } from './domain-of.js';

describe('domainOf', () => {
  it.each([
    ['ops@Example.COM', 'example.com'],
    ['"a@b"@carrier.net', 'carrier.net'],
    [' x@yahoo.com. ', 'yahoo.com'],
    ['no-at-sign', undefined],
    ['trailing@', undefined],
  ])('%s → %s', (email, domain) => {
    expect(domainOf(email)).toBe(domain);
  });
});

describe('createDomainFamilies', () => {
  const families = createDomainFamilies();

  it('ships the runbook’s whole Yahoo family (34 in the original, plus country variants)', () => {
    const original = [
      'yahoo.com',
      'yahoo.com.mx',
      'yahoo.es',
      'yahoo.it',
      'yahoo.ca',
      'myyahoo.com',
      'ymail.com',
      'rocketmail.com',
      'aol.com',
      'aol.com.mx',
      'aim.com',
      'love.com',
      'games.com',
      'wow.com',
      'netscape.net',
      'netscape.com',
      'cs.com',
      'compuserve.com',
      'att.net',
      'sbcglobal.net',
      'bellsouth.net',
      'pacbell.net',
      'ameritech.net',
      'swbell.net',
      'snet.net',
      'flash.net',
      'prodigy.net',
      'wans.net',
      'nvbell.net',
      'verizon.net',
      'verizongni.com',
      'bellatlantic.net',
      'frontier.com',
      'frontiernet.net',
    ];
    expect(original).toHaveLength(34);
    for (const domain of original) expect(families.familyOf(domain)).toBe('yahoo');
  });

  it.each([
    ['someone@GMAIL.com', 'google_consumer'],
    ['x@hotmail.co.uk', 'microsoft_consumer'],
    ['x@me.com', 'apple_consumer'],
    ['x@earthlink.net', 'dead_isp'],
    ['x@att.net', 'yahoo'],
  ])('%s is blocked as %s', (email, family) => {
    expect(families.isBlockedEmail(email)?.family).toBe(family);
  });

  it.each([
    'x@comcast.net',
    'x@charter.net',
    'x@cox.net',
    'x@centurylink.net',
    'x@mail.yahoo.com',
    'x@yahoo.com.evil',
  ])('keeps %s mailable (live ISPs, no subdomain or suffix matching)', (email) => {
    expect(families.isBlockedEmail(email)).toBeUndefined();
  });

  it('switches families off and extends them from config', () => {
    const custom = createDomainFamilies({
      disabled: ['microsoft_consumer'],
      extra: { dead_isp: ['OldISP.net'], competitors: ['rival.com'] },
      legalAddresses: ['Lawyer@Firm.com'],
    });
    expect(custom.isBlockedEmail('a@hotmail.com')).toBeUndefined();
    expect(custom.isBlockedEmail('a@oldisp.net')).toEqual({ family: 'dead_isp', match: 'oldisp.net' });
    expect(custom.isBlockedEmail('a@rival.com')?.family).toBe('competitors');
    expect(custom.isBlockedEmail(' lawyer@firm.com')).toEqual({
      family: 'legal_dnc',
      match: 'lawyer@firm.com',
    });
    expect(custom.isBlockedEmail('colleague@firm.com')).toBeUndefined();
    expect(custom.domains(['yahoo'])).toEqual([...DOMAIN_FAMILIES.yahoo].sort());
  });

  it('blocks every address at every listed domain, whatever the case of the address', () => {
    const all = families.domains();
    fc.assert(
      fc.property(
        fc.constantFrom(...all),
        fc.stringMatching(/^[a-z0-9._+-]{1,20}$/),
        fc.boolean(),
        (domain, local, upper) => {
          const email = `${local}@${upper ? domain.toUpperCase() : domain}`;
          expect(families.isBlockedEmail(email)?.match).toBe(domain);
        },
      ),
    );
  });

  it('applies the yahoo family by MX operator too, unless switched off or the family is disabled', () => {
    expect(families.familyOfOperator('yahoo')).toBe('yahoo');
    expect(families.operators()).toEqual(['yahoo']);
    expect(families.familyOfOperator('google')).toBeUndefined();
    const domainOnly = createDomainFamilies({ byMxOperator: false });
    expect(domainOnly.familyOfOperator('yahoo')).toBeUndefined();
    expect(domainOnly.operators()).toEqual([]);
    expect(domainOnly.familyOf('yahoo.com')).toBe('yahoo');
    const noYahoo = createDomainFamilies({ disabled: ['yahoo'] });
    expect(noYahoo.familyOfOperator('yahoo')).toBeUndefined();
  });
});
