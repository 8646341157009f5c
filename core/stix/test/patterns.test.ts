import {
  PATTERN_OBSERVABLE_TYPES,
  indicatorId,
  mainObservableType,
  patternFromFileHashes,
  patternFromObservable,
  patternString,
  patternSyntaxProblem,
} from '..';

describe('STIX patterns from one observable', () => {
  it.each([
    ['ipv4-addr', '198.51.100.7', "[ipv4-addr:value = '198.51.100.7']"],
    ['ipv6-addr', '2001:db8::1', "[ipv6-addr:value = '2001:db8::1']"],
    ['domain-name', 'evil.example', "[domain-name:value = 'evil.example']"],
    ['url', 'http://evil.example/a?b=1&c=2', "[url:value = 'http://evil.example/a?b=1&c=2']"],
    ['email-addr', 'bad@evil.example', "[email-addr:value = 'bad@evil.example']"],
    ['file:MD5', 'd41d8cd98f00b204e9800998ecf8427e', "[file:hashes.MD5 = 'd41d8cd98f00b204e9800998ecf8427e']"],
    ['file:SHA-1', 'da39a3ee5e6b4b0d3255bfef95601890afd80709', "[file:hashes.'SHA-1' = 'da39a3ee5e6b4b0d3255bfef95601890afd80709']"],
    ['file:SHA-256', 'e3b0', "[file:hashes.'SHA-256' = 'e3b0']"],
    ['file:SHA-512', 'cf83', "[file:hashes.'SHA-512' = 'cf83']"],
  ] as const)('%s', (type, value, expected) => {
    expect(patternFromObservable(type, value)).toBe(expected);
    expect(patternSyntaxProblem(expected)).toBeUndefined();
  });

  it('the IPv4 pattern gives the protocol worked indicator id', () => {
    expect(indicatorId(patternFromObservable('ipv4-addr', '198.51.100.7'))).toBe('indicator--3ae0b0a2-7289-5fda-8a85-02d057ba0968');
  });

  it("escapes ' and \\ inside the literal (backslash first, so a quote's escape is not doubled)", () => {
    expect(patternString("it's")).toBe("'it\\'s'");
    expect(patternString('C:\\temp\\x.exe')).toBe("'C:\\\\temp\\\\x.exe'");
    expect(patternString("\\'")).toBe("'\\\\\\''");
    const pattern = patternFromObservable('url', "http://x.example/?q=a'b\\c");
    expect(pattern).toBe("[url:value = 'http://x.example/?q=a\\'b\\\\c']");
    expect(patternSyntaxProblem(pattern)).toBeUndefined();
  });

  it('every supported kind builds a well-formed pattern and names its OpenCTI observable type', () => {
    for (const type of PATTERN_OBSERVABLE_TYPES) {
      expect(patternSyntaxProblem(patternFromObservable(type, "a'b\\c]"))).toBeUndefined();
      expect(mainObservableType(type)).toMatch(/^[A-Z]/);
    }
  });

  it('refuses an empty value or an unknown kind', () => {
    expect(() => patternFromObservable('url', '')).toThrow(/empty/);
    expect(() => patternFromObservable('nope' as 'url', 'x')).toThrow(/cannot build/);
  });
});

describe('file patterns from several hashes', () => {
  it('one observation, hashes ORed in preference order, algorithm names normalised', () => {
    expect(patternFromFileHashes({ 'sha-256': 'bb', md5: 'aa', TLSH: 'ignored' })).toBe("[file:hashes.MD5 = 'aa' OR file:hashes.'SHA-256' = 'bb']");
  });
  it('a single hash reads as patternFromObservable does', () => {
    expect(patternFromFileHashes({ 'SHA-256': 'e3b0' })).toBe(patternFromObservable('file:SHA-256', 'e3b0'));
  });
  it('needs at least one known hash', () => {
    expect(() => patternFromFileHashes({ TLSH: 'x' })).toThrow(/known hash/);
  });
});

describe('pattern well-formedness check', () => {
  it.each([
    ["[ipv4-addr:value = '1.2.3.4'] AND [domain-name:value = 'x']"],
    ["([file:name = 'a'] OR [file:name = 'b']) WITHIN 5 SECONDS"],
    ["[file:created > t'2016-01-01T00:00:00Z']"],
    ["[network-traffic:dst_port = 443]"],
  ])('accepts %s', (pattern) => {
    expect(patternSyntaxProblem(pattern)).toBeUndefined();
  });
  it.each([
    ["[ipv4-addr:value = '1.2.3.4]", /unclosed/],
    ["[url:value = 'a'b']", /unclosed/],
    ["[file:name = 'C:\\temp']", /badly escaped/],
    ["[ipv4-addr:value = '1.2.3.4'", /missing "]"/],
    ["ipv4-addr:value = '1.2.3.4'", /no \[observation\]/],
    ["['1.2.3.4']", /names no object path/],
    ["[a:b = 'x']]", /unbalanced/],
  ])('rejects %s', (pattern, problem) => {
    expect(patternSyntaxProblem(pattern)).toMatch(problem);
  });
});
