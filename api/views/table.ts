import { html, type Html } from './html';

/** A cell's class, fixed or drawn from its row; none when undefined. */
type CellClass<Row> = string | ((row: Row) => string | undefined);

const classAttr = (name: string | undefined) => (name ? html` class="${name}"` : '');

/** One column of a `table`: its header, and what each row shows under it (escaped unless made by `html`). */
export interface Column<Row> {
  header: string;
  cell: (row: Row) => unknown;
  class?: CellClass<Row>;
}

/** A table of rows under column headers (`th scope="col"`), named by its caption. */
export function table<Row>(options: {
  caption: string;
  columns: Column<Row>[];
  rows: readonly Row[];
  rowClass?: (row: Row) => string;
}): Html {
  const { caption, columns, rows, rowClass } = options;
  const cellClass = (c: Column<Row>, row: Row) => (typeof c.class === 'function' ? c.class(row) : c.class);
  return html`<table>
    <caption>
      ${caption}
    </caption>
    <thead>
      <tr>
        ${columns.map((c) => html`<th scope="col">${c.header}</th>`)}
      </tr>
    </thead>
    <tbody>
      ${rows.map(
        (row) =>
          html`<tr${classAttr(rowClass?.(row))}>
            ${columns.map((c) => html`<td${classAttr(cellClass(c, row))}>${c.cell(row)}</td>`)}
          </tr>`,
      )}
    </tbody>
  </table>`;
}

/** One row of a `fieldTable`: its header and its value (escaped unless made by `html`). */
export interface Field {
  header: string;
  value: unknown;
  class?: string;
}

/** A table of one record, a field per row under its header (`th scope="row"`), named by its caption. */
export function fieldTable(caption: string, fields: Field[]): Html {
  return html`<table>
    <caption>
      ${caption}
    </caption>
    <tbody>
      ${fields.map(
        (f) =>
          html`<tr>
            <th scope="row">${f.header}</th>
            <td${classAttr(f.class)}>${f.value}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}
