import {
  CommandIdReusedError,
  ConcurrencyError,
  CorruptLogError,
  DuplicateEventIdError,
  ForbiddenError,
  NotFoundError,
  ProjectionFailedError,
  ProjectionOutdatedError,
  RuleViolationError,
  StoreUnavailableError,
  ThiduaError,
  TimeoutError,
  ValidationError,
  type ErrorCode,
} from '../errors';
import {
  createProblemDetails,
  DEFAULT_PROBLEM_TYPE_BASE,
  INTERNAL_PROBLEM_CODE,
  PROBLEM_CONTENT_TYPE,
  PROBLEM_TYPES,
  problemResponse,
  problemTypeOf,
  toProblemDetails,
} from '.';

/** A thidua error of a code this kernel does not have, as a newer one could throw it (the cast reaches it by its string). */
const errorOf = (code: string, message: string, details: Record<string, unknown> = {}, cause?: unknown) =>
  new ThiduaError(code as ErrorCode, message, details, cause === undefined ? undefined : { cause });

const secretCause = new Error('connect ECONNREFUSED 10.0.0.7:5432 as app:s3cret');

describe('problem details (RFC 9457)', () => {
  describe('refusals of the request keep their message and details', () => {
    it('validation_failed → 400 with the zod issues', () => {
      const error = new ValidationError('Invalid command', [{ path: 'data.points', message: 'at most 2 decimals', code: 'custom' }]);
      expect(toProblemDetails(error)).toEqual({
        type: 'urn:thidua:problem:validation_failed',
        title: 'Invalid request',
        status: 400,
        detail: 'Invalid command',
        code: 'validation_failed',
        issues: [{ path: 'data.points', message: 'at most 2 decimals', code: 'custom' }],
      });
    });

    it('not_found → 404 with what was looked for', () => {
      expect(toProblemDetails(new NotFoundError('Bloc kt does not exist', { blocId: 'kt' }))).toEqual({
        type: 'urn:thidua:problem:not_found',
        title: 'Not found',
        status: 404,
        detail: 'Bloc kt does not exist',
        code: 'not_found',
        blocId: 'kt',
      });
    });

    it('forbidden → 403', () => {
      const problem = toProblemDetails(new ForbiddenError('Actor x may not establish a bloc', { action: 'EstablishBloc' }));
      expect(problem).toMatchObject({ status: 403, title: 'Forbidden', code: 'forbidden', detail: 'Actor x may not establish a bloc', action: 'EstablishBloc' });
    });

    it('rule_violated → 422 with the rule code', () => {
      const problem = toProblemDetails(new RuleViolationError('score.exceeds_max', 'Points 11 exceed 10', { criterionId: 'c1' }));
      expect(problem).toEqual({
        type: 'urn:thidua:problem:rule_violated',
        title: 'Refused by a business rule',
        status: 422,
        detail: 'Points 11 exceed 10',
        code: 'rule_violated',
        rule: 'score.exceeds_max',
        criterionId: 'c1',
      });
    });

    it('concurrency → 409 with the stream and revisions, bigints as decimal strings', () => {
      const problem = toProblemDetails(new ConcurrencyError('pledge-a.b', 3n, 4n));
      expect(problem).toMatchObject({ status: 409, code: 'concurrency', streamId: 'pledge-a.b', expected: '3', actual: '4' });
      expect(JSON.parse(JSON.stringify(problem))).toEqual(problem);
    });

    it('command_id_reused → 422, duplicate_event_id → 409, with their details', () => {
      const error = new CommandIdReusedError('g-1', { streamId: 'pledge-a.b', revision: 2n, recordedAt: '2013-12-10T01:00:00.000Z' });
      expect(toProblemDetails(error)).toEqual({
        type: 'urn:thidua:problem:command_id_reused',
        title: 'Command id already used',
        status: 422,
        detail: error.message,
        code: 'command_id_reused',
        commandId: 'g-1',
        firstUse: { streamId: 'pledge-a.b', revision: '2', recordedAt: '2013-12-10T01:00:00.000Z' },
      });
      const duplicate = toProblemDetails(new DuplicateEventIdError('e-1', 'pledge-a.b', { streamId: 'pledge-a.c', revision: 0n }));
      expect(duplicate).toMatchObject({ status: 409, code: 'duplicate_event_id', eventId: 'e-1', existing: { streamId: 'pledge-a.c', revision: '0' } });
    });

    it('timeout → 504 with the position waited for, and Retry-After', () => {
      const error = new TimeoutError('Projection standings did not reach position 42 within 5000 ms', { projection: 'standings', position: 42n });
      const { status, headers, body } = problemResponse(error);
      expect(status).toBe(504);
      expect(headers).toEqual({ 'content-type': 'application/problem+json', 'retry-after': '1' });
      expect(body).toMatchObject({ code: 'timeout', title: 'Timed out', position: '42', projection: 'standings' });
    });
  });

  describe('faults of the server say nothing of their internals', () => {
    const faults: [string, ThiduaError, number][] = [
      ['corrupt_log', new CorruptLogError('pledge-a.b', 7n, 'hash mismatch', {}, { cause: secretCause }), 500],
      [
        'projection_failed',
        new ProjectionFailedError('standings', { streamId: 'pledge-a.b', revision: 1n, position: 9n, type: 'ScoreRecorded' }, secretCause),
        500,
      ],
      ['projection_outdated', new ProjectionOutdatedError('standings', 3, 4), 503],
      ['store_unavailable', new StoreUnavailableError('postgres://app:s3cret@10.0.0.7/thidua', { transient: true, cause: secretCause }), 503],
    ];

    it.each(faults)('%s → its status, a generic detail and no extension but code', (code, error, status) => {
      const problem = toProblemDetails(error, { instance: 'urn:uuid:1b4e28ba-2fa1-11d2-883f-0016d3cca427' });
      expect(problem).toEqual({
        type: `urn:thidua:problem:${code}`,
        title: PROBLEM_TYPES[code]!.title,
        status,
        detail: PROBLEM_TYPES[code]!.genericDetail,
        instance: 'urn:uuid:1b4e28ba-2fa1-11d2-883f-0016d3cca427',
        code,
      });
      const text = JSON.stringify(problem);
      for (const secret of [error.message, 'ECONNREFUSED', 's3cret', '10.0.0.7', 'pledge-a.b', 'at ']) expect(text).not.toContain(secret);
    });

    it('store_unavailable and projection_outdated carry Retry-After; corrupt_log does not', () => {
      expect(problemResponse(faults[3]![1], { retryAfterSeconds: 5 }).headers['retry-after']).toBe('5');
      expect(problemResponse(faults[2]![1]).headers['retry-after']).toBe('1');
      expect(problemResponse(faults[0]![1]).headers).toEqual({ 'content-type': PROBLEM_CONTENT_TYPE });
    });
  });

  describe('anything else is a generic 500', () => {
    const internal = {
      type: 'urn:thidua:problem:internal',
      title: 'Internal error',
      status: 500,
      detail: 'The server failed to handle the request; its log has the details.',
      code: INTERNAL_PROBLEM_CODE,
    };

    it('an unexpected error, its message and stack left out', () => {
      const problem = toProblemDetails(new TypeError("Cannot read properties of undefined (reading 'rows')"));
      expect(problem).toEqual(internal);
      expect(JSON.stringify(problem)).not.toMatch(/rows|TypeError|\.ts:/);
    });

    it('a thrown value that is not an error at all', () => {
      for (const thrown of [undefined, null, 'boom', 42, { code: 'not_found', message: 'a plain object is no thidua error' }]) {
        expect(toProblemDetails(thrown)).toEqual(internal);
      }
    });

    it('a thidua error of a code the table does not know, or of a name every object inherits', () => {
      for (const code of ['some_future_code', 'toString', 'constructor', '__proto__', INTERNAL_PROBLEM_CODE]) {
        expect([code, toProblemDetails(errorOf(code, `secret ${code} message`, { table: 'events' }))]).toEqual([code, internal]);
      }
      expect(problemTypeOf('toString')).toBe(problemTypeOf('some_future_code'));
    });
  });

  describe('members', () => {
    it('the standard members and the code win over details named like them; stack and cause never travel', () => {
      const error = new NotFoundError('Unit u does not exist', {
        type: 'https://evil.example/',
        status: 200,
        title: 'ok',
        detail: 'spoofed',
        instance: 'x',
        stack: 'at secret.ts:1',
        cause: 'the database said no',
        unitId: 'u',
      });
      expect(toProblemDetails(error)).toEqual({
        type: 'urn:thidua:problem:not_found',
        title: 'Not found',
        status: 404,
        detail: 'Unit u does not exist',
        code: 'not_found',
        unitId: 'u',
      });
    });

    it('details that cannot be serialised are dropped, not thrown', () => {
      const cyclic: Record<string, unknown> = {};
      cyclic['self'] = cyclic;
      expect(toProblemDetails(new NotFoundError('gone', { cyclic }))).toEqual({
        type: 'urn:thidua:problem:not_found',
        title: 'Not found',
        status: 404,
        detail: 'gone',
        code: 'not_found',
      });
    });

    it('type URIs start with typeBase, and instance is there only when given', () => {
      const problem = toProblemDetails(new ForbiddenError('no'), { typeBase: 'https://api.example.org/problems/' });
      expect(problem.type).toBe('https://api.example.org/problems/forbidden');
      expect('instance' in problem).toBe(false);
      expect(DEFAULT_PROBLEM_TYPE_BASE).toBe('urn:thidua:problem:');
    });

    it("the host's own problems get the same shape", () => {
      const problem = createProblemDetails(
        { code: 'unauthenticated', status: 401, title: 'Unauthenticated', detail: 'Send a bearer token', extensions: { status: 200, realm: 'thidua' } },
        { instance: 'urn:uuid:r-1' },
      );
      expect(problem).toEqual({
        type: 'urn:thidua:problem:unauthenticated',
        title: 'Unauthenticated',
        status: 401,
        detail: 'Send a bearer token',
        instance: 'urn:uuid:r-1',
        code: 'unauthenticated',
        realm: 'thidua',
      });
    });
  });

  it('has a row, with a 4xx or 5xx status, for every code the kernel throws', () => {
    const codes: ErrorCode[] = [
      'validation_failed',
      'not_found',
      'forbidden',
      'rule_violated',
      'concurrency',
      'corrupt_log',
      'timeout',
      'projection_failed',
      'projection_outdated',
      'store_unavailable',
      'duplicate_event_id',
      'command_id_reused',
      'invalid_anchor',
      'invalid_key',
      'unsupported',
    ];
    for (const code of codes) {
      expect([code, Object.hasOwn(PROBLEM_TYPES, code)]).toEqual([code, true]);
      expect(PROBLEM_TYPES[code]!.status).toBeGreaterThanOrEqual(400);
      // A disclosed message is for the caller: only refusals of the request (4xx) and a wait that ran out (504) disclose.
      expect([code, PROBLEM_TYPES[code]!.discloses]).toEqual([code, PROBLEM_TYPES[code]!.status < 500 || code === 'timeout']);
    }
  });
});
