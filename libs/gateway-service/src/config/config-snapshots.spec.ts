import { foldSnapshot } from './config-snapshots';

describe('foldSnapshot', () => {
  it('keeps the latest value per key and deletes on a tombstone', () => {
    const map = new Map<string, number>();
    expect(foldSnapshot(map, 'a', 1)).toBe(true);
    expect(foldSnapshot(map, 'a', 2)).toBe(true);
    expect(map.get('a')).toBe(2);
    expect(foldSnapshot(map, 'a', null)).toBe(true);
    expect(map.has('a')).toBe(false);
    // A tombstone for something unknown (compaction kept only it) changes nothing.
    expect(foldSnapshot(map, 'a', null)).toBe(false);
  });

  it('iterates in arrival order: a republished entity moves last', () => {
    const map = new Map<string, string>();
    foldSnapshot(map, 'a', 'a1');
    foldSnapshot(map, 'b', 'b1');
    foldSnapshot(map, 'a', 'a2');
    expect([...map.values()]).toEqual(['b1', 'a2']);
  });
});
