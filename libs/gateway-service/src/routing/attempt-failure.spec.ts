import { GatewayError } from '../pipeline/gateway-error';
import { describeFailure, failureOfError, retryAfterMs } from './attempt-failure';

describe('attempt failures', () => {
  it('reads retry-after-ms, retry-after seconds and dates', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(retryAfterMs({ 'retry-after-ms': '250' }, now)).toBe(250);
    expect(retryAfterMs({ 'retry-after': '2' }, now)).toBe(2000);
    expect(retryAfterMs({ 'retry-after': 'Wed, 01 Jan 2025 00:00:03 GMT' }, now)).toBe(3000);
    expect(retryAfterMs({ 'retry-after': 'Tue, 31 Dec 2024 00:00:00 GMT' }, now)).toBe(0);
    expect(retryAfterMs({ 'retry-after': 'soon' }, now)).toBeUndefined();
    expect(retryAfterMs({}, now)).toBeUndefined();
  });

  it('classifies gateway errors and describes failures for the trace', () => {
    expect(failureOfError(new GatewayError('timeout', 'slow'))).toEqual({ kind: 'timeout' });
    expect(failureOfError(new GatewayError('upstream_unavailable', 'x'))).toEqual({ kind: 'connection' });
    expect(describeFailure({ kind: 'status', status: 503 })).toBe('status 503');
    expect(describeFailure({ kind: 'connection' })).toBe('connection');
  });
});
