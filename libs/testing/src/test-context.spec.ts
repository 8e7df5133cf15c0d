import { TEST_NOW_MS, testTranslateContext } from './test-context';

describe('testTranslateContext', () => {
  it('has a fixed clock and counter ids per context', () => {
    const ctx = testTranslateContext('claude-sonnet-4-5');
    expect(ctx.now()).toBe(1735689600000);
    expect(ctx.now()).toBe(TEST_NOW_MS);
    expect(ctx.clientModel).toBe('claude-sonnet-4-5');
    expect(ctx.newId('msg_')).toBe('msg_test_0001');
    expect(ctx.newId('call_')).toBe('call_test_0002');
    expect(testTranslateContext().newId('x')).toBe('xtest_0001');
    expect(testTranslateContext().clientModel).toBe('test-model');
  });
});
