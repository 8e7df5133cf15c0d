import { changedFields } from './diff';

describe('changedFields', () => {
  it('lists the fields of `after` whose values differ', () => {
    expect(changedFields({ a: 1, b: 'x', c: null }, { a: 1, b: 'y', c: 'z' })).toEqual(['b', 'c']);
  });

  it('compares lists as sets, so reordering the file changes nothing', () => {
    expect(changedFields({ models: ['b', 'a'] }, { models: ['a', 'b'] })).toEqual([]);
    expect(changedFields({ models: ['a'] }, { models: ['a', 'b'] })).toEqual(['models']);
    expect(changedFields({ models: null }, { models: [] })).toEqual(['models']);
  });
});
