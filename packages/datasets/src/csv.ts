import { type DType, DataFormatError, InvalidOptionError, Matrix } from '@ffnn/tensor';

/** Options of {@link parseCsv}. */
export interface ParseCsvOptions {
  /** A name for error messages, e.g. the file path. Default `'<string>'`. */
  source?: string;
  /** Name of the target column: it becomes `y` and is left out of `X`. */
  target?: string;
  /** Element type of `X` and `y`. Default `'float64'`. */
  dtype?: DType;
  /**
   * The feature columns to read, in this order. Other columns (besides the target) are skipped
   * without being parsed, so they may hold anything. Default: every column but the target.
   */
  columns?: readonly string[];
  /**
   * Accept class names in the target column: when some target cell is not a number, the column
   * comes back as text in `targetLabels` (and `y` is absent). Default false.
   */
  textTarget?: boolean;
  /** Columns returned as written, whatever they hold (e.g. an id to carry into predictions), in `kept`. */
  keep?: readonly string[];
}

/** A parsed numeric table. */
export interface CsvData {
  /** Names of the columns of `X`, in file order (the target excluded). */
  columns: string[];
  /** Features: one row per data line. */
  X: Matrix;
  /** The target column (n×1), when `target` was given. */
  y?: Matrix;
  /** The target's name, when `target` was given. */
  targetName?: string;
  /** The target cells as written, when `textTarget` is set and some of them are not numbers. */
  targetLabels?: string[];
  /** The cells of each `keep` column as written (trimmed, quotes removed), by column name. */
  kept?: Record<string, string[]>;
}

// A decimal number as written by people and by NumPy/pandas: no hex, no "Infinity", no "NaN".
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
// NaN and infinities are bad numbers, not class names.
const NOT_FINITE = /^[+-]?(?:nan|inf|infinity)$/i;

/**
 * Parses a numeric CSV table: a header line of column names, then one line per row of numbers.
 *
 * Accepted: `\n`, `\r\n` or `\r` line ends; a trailing newline; a UTF-8 byte-order mark; blank
 * lines (skipped); whitespace around cells; cells and header names in double quotes (`""` for a
 * quote inside, commas allowed inside quotes). Every data cell must be a finite decimal number.
 *
 * Line numbers in messages are 1-based lines of the text (the header is line 1 when it comes first).
 *
 * @throws DataFormatError naming `source`, the line and the column for a ragged row, an empty,
 *   NaN, infinite or non-numeric cell, a bad quote, or a missing/duplicate header name.
 * @throws InvalidOptionError listing the available columns when `target` or one of `columns` is not one of them.
 */
export function parseCsv(text: string, options: ParseCsvOptions = {}): CsvData {
  const source = options.source ?? '<string>';
  const dtype = options.dtype ?? 'float64';
  const lines = (text.startsWith('\uFEFF') ? text.slice(1) : text).split(/\r\n|\n|\r/);
  let ln = 0;
  while (ln < lines.length && lines[ln]!.trim() === '') ln++;
  if (ln === lines.length) throw new DataFormatError(`${source}: empty CSV; expected a header line of column names`);

  const headerLine = ln + 1;
  const header = splitFields(lines[ln]!, source, headerLine, undefined);
  header.forEach((name, j) => {
    if (name === '') throw new DataFormatError(`${source}: line ${headerLine}: column ${j + 1} has an empty name`);
    if (header.indexOf(name) !== j) throw new DataFormatError(`${source}: line ${headerLine}: duplicate column name "${name}"`);
  });

  const available = () => header.map((h) => `"${h}"`).join(', ');
  let targetIndex = -1;
  if (options.target !== undefined) {
    targetIndex = header.indexOf(options.target);
    if (targetIndex < 0) {
      throw new InvalidOptionError(`${source}: target column "${options.target}" not found; available columns: ${available()}`);
    }
  }
  const columns = options.columns ? [...options.columns] : header.filter((_, j) => j !== targetIndex);
  const keep = options.keep ? [...options.keep] : [];
  const missing = [...columns, ...keep.filter((c) => !columns.includes(c))].filter((c) => !header.includes(c));
  if (missing.length) {
    throw new InvalidOptionError(`${source}: ${missing.length === 1 ? 'column' : 'columns'} ${missing.map((c) => `"${c}"`).join(', ')} not found; available columns: ${available()}`);
  }
  columns.forEach((c, k) => {
    if (columns.indexOf(c) !== k) throw new InvalidOptionError(`${source}: column "${c}" is listed twice in columns`);
    if (c === options.target) throw new InvalidOptionError(`${source}: column "${c}" is the target; it cannot also be a feature`);
  });
  // slot[j]: position in X of file column j, or -1 when it is not read.
  const slot = new Int32Array(header.length).fill(-1);
  columns.forEach((c, k) => (slot[header.indexOf(c)] = k));

  const p = header.length;
  const values: number[] = [];
  const targetValues: number[] = [];
  const targetCells: { cell: string; line: number }[] = [];
  const keepIndex = keep.map((c) => header.indexOf(c));
  const kept: string[][] = keep.map(() => []);
  let n = 0;
  for (ln++; ln < lines.length; ln++) {
    const line = lines[ln]!;
    if (line.trim() === '') continue;
    const lineNo = ln + 1;
    const cells = splitFields(line, source, lineNo, header);
    if (cells.length !== p) {
      const where =
        cells.length < p
          ? `column "${header[cells.length]}" is missing`
          : `extra field after column "${header[p - 1]}"`;
      throw new DataFormatError(`${source}: line ${lineNo}: ${cells.length} fields, expected ${p} (${where})`);
    }
    // Cells are checked in file order, so the first bad cell of a row is the one reported.
    const row = new Array<number>(columns.length);
    cells.forEach((cell, j) => {
      if (j === targetIndex) {
        if (options.textTarget) targetCells.push({ cell, line: lineNo });
        else targetValues.push(parseCell(cell, source, lineNo, header[j]!, false));
        return;
      }
      const k = slot[j]!;
      if (k >= 0) row[k] = parseCell(cell, source, lineNo, header[j]!, true);
    });
    for (const v of row) values.push(v);
    keepIndex.forEach((j, k) => kept[k]!.push(cells[j]!));
    n++;
  }

  const X = new Matrix(n, columns.length, dtype);
  X.data.set(values);
  const keptOut = options.keep ? { kept: Object.fromEntries(keep.map((c, k) => [c, kept[k]!])) } : {};
  if (targetIndex < 0) return { columns, X, ...keptOut };
  const targetName = header[targetIndex]!;
  if (options.textTarget) {
    const blank = targetCells.find((t) => t.cell === '');
    if (blank) throw new DataFormatError(`${source}: line ${blank.line}, column "${targetName}": empty cell; every row needs a target`);
    if (targetCells.some((t) => !NUMBER.test(t.cell) && !NOT_FINITE.test(t.cell))) return { columns, X, targetName, targetLabels: targetCells.map((t) => t.cell), ...keptOut };
    for (const t of targetCells) targetValues.push(parseCell(t.cell, source, t.line, targetName, false));
  }
  const y = new Matrix(n, 1, dtype);
  y.data.set(targetValues);
  return { columns, X, y, targetName, ...keptOut };
}

function parseCell(cell: string, source: string, line: number, column: string, feature: boolean): number {
  const where = `${source}: line ${line}, column "${column}"`;
  if (cell === '') throw new DataFormatError(`${where}: empty cell; every cell must be a number`);
  if (/^[+-]?nan$/i.test(cell)) throw new DataFormatError(`${where}: NaN is not allowed; every cell must be a finite number`);
  if (!NUMBER.test(cell)) {
    // A word (not a mistyped number) in a feature column: say what to do with a text column.
    const hint = feature && /[a-df-z_]/i.test(cell) && !NOT_FINITE.test(cell)
      ? '; text columns cannot be features: encode it as numbers (e.g. one 0/1 column per category) or remove the column'
      : '';
    throw new DataFormatError(`${where}: not a number: ${JSON.stringify(cell)}${hint}`);
  }
  const v = Number(cell);
  if (!Number.isFinite(v)) throw new DataFormatError(`${where}: ${cell} overflows to ${v}; every cell must be finite`);
  return v;
}

/** Splits one line into trimmed fields; `header` (absent for the header itself) names columns in errors. */
function splitFields(line: string, source: string, lineNo: number, header: readonly string[] | undefined): string[] {
  const fields: string[] = [];
  const column = (): string => (header?.[fields.length] !== undefined ? `column "${header[fields.length]}"` : `field ${fields.length + 1}`);
  let i = 0;
  for (;;) {
    while (line[i] === ' ' || line[i] === '\t') i++;
    let field: string;
    if (line[i] === '"') {
      let value = '';
      let j = i + 1;
      for (;;) {
        const q = line.indexOf('"', j);
        if (q < 0) throw new DataFormatError(`${source}: line ${lineNo}, ${column()}: unterminated quote`);
        value += line.slice(j, q);
        if (line[q + 1] === '"') {
          value += '"';
          j = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      while (line[i] === ' ' || line[i] === '\t') i++;
      if (i < line.length && line[i] !== ',') {
        throw new DataFormatError(`${source}: line ${lineNo}, ${column()}: unexpected text after a closing quote`);
      }
      field = value.trim();
    } else {
      const comma = line.indexOf(',', i);
      const end = comma < 0 ? line.length : comma;
      field = line.slice(i, end).trim();
      if (field.includes('"')) throw new DataFormatError(`${source}: line ${lineNo}, ${column()}: stray quote in ${JSON.stringify(field)}`);
      i = end;
    }
    fields.push(field);
    if (i >= line.length) return fields;
    i++; // past the comma
  }
}
