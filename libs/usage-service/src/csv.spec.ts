import { csvCell, toCsv } from './csv';

describe('CSV export', () => {
  it('quotes what needs quoting and doubles quotes (RFC 4180), lines end with CRLF', () => {
    expect(
      toCsv(
        ['model', 'cost_usd'],
        [
          ['gpt-4o, "mini"', '0.000000001'],
          ['line\nbreak', null],
        ],
      ),
    ).toBe('model,cost_usd\r\n"gpt-4o, ""mini""",0.000000001\r\n"line\nbreak",\r\n');
  });

  it('defuses spreadsheet formulas but keeps negative numbers', () => {
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('@user')).toBe("'@user");
    expect(csvCell('-0.000000005')).toBe('-0.000000005');
    expect(csvCell(-3)).toBe('-3');
    expect(csvCell(true)).toBe('true');
  });
});
