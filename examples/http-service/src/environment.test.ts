import { serviceEnvironment } from './environment';

const secret = 'x'.repeat(32);

describe('serviceEnvironment', () => {
  it('reads the settings, with their defaults', () => {
    expect(serviceEnvironment({ DATABASE_URL: 'postgres://db/thidua', THIDUA_TOKEN_SECRET: secret })).toEqual({
      connectionString: 'postgres://db/thidua',
      schema: 'thidua',
      port: 3000,
      host: '127.0.0.1',
      tokenSecret: secret,
    });
    expect(
      serviceEnvironment({
        DATABASE_URL: 'postgresql://db/thidua',
        THIDUA_TOKEN_SECRET: secret,
        THIDUA_TOKEN_ISSUER: 'https://sso.example.gov.vn',
        THIDUA_TOKEN_AUDIENCE: 'thidua',
        THIDUA_REPLICA: 'web-1',
        PORT: '0',
      }),
    ).toMatchObject({ port: 0, tokenIssuer: 'https://sso.example.gov.vn', tokenAudience: 'thidua', replica: 'web-1' });
  });

  it('refuses to start without a token secret of 32 bytes, naming every bad variable and no value', () => {
    const attempt = () => serviceEnvironment({ DATABASE_URL: 'mysql://db', THIDUA_TOKEN_SECRET: 'short-secret-value', PORT: '70000' });
    expect(attempt).toThrow(
      expect.objectContaining({
        code: 'validation_failed',
        issues: [expect.objectContaining({ path: 'DATABASE_URL' }), expect.objectContaining({ path: 'THIDUA_TOKEN_SECRET' }), expect.objectContaining({ path: 'PORT' })],
      }),
    );
    let message = '';
    try {
      attempt();
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('THIDUA_TOKEN_SECRET');
    expect(message).not.toContain('short-secret-value');
    expect(() => serviceEnvironment({ DATABASE_URL: 'postgres://db/thidua' })).toThrow(expect.objectContaining({ issues: [expect.objectContaining({ path: 'THIDUA_TOKEN_SECRET' })] }));
  });
});
