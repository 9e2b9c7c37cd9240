import { readFileSync } from 'node:fs';
import { FfnnError } from '@ffnn/tensor';
import { type CsvData, type ParseCsvOptions, parseCsv } from '../csv.js';

/** Reads a UTF-8 CSV file and parses it with {@link parseCsv}; every error names `path`. */
export function readCsv(path: string, options: Omit<ParseCsvOptions, 'source'> = {}): CsvData {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new FfnnError('E_IO', `cannot read ${path}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  return parseCsv(text, { ...options, source: path });
}
