package io.baton.secret;

/**
 * A column of sealed secrets beside the column of their key ids, for the {@link Resealer}: the table, both columns,
 * the place named in each value's associated data, and the SQL expression that names a row there (a value sealed for
 * one row does not open in another).
 *
 * @param rowKey SQL over the table's columns giving the text {@link #context(String)} binds, e.g. {@code id::text}
 */
public record SealedColumn(String table, String keyIdColumn, String valueColumn, String place, String rowKey) {
    /** The associated data of a value of this column in the row named {@code row}. */
    public String context(String row) {
        return place + ":" + row;
    }
}
