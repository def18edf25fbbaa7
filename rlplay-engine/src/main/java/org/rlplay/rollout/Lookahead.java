package org.rlplay.rollout;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.List;
import org.rlplay.env.space.ElementType;
import org.rlplay.fragment.Column;
import org.rlplay.fragment.ColumnSpec;
import org.rlplay.fragment.Fragment;
import org.rlplay.fragment.FragmentSpec;

/**
 * Record T of the previous fragment, kept by a collector so that record 0 of the next fragment
 * repeats it (the fragments may be different slots): one saved row of every per-record fixed column.
 */
final class Lookahead {
    private final Object[] rows;
    private final ElementType[] types;

    Lookahead(FragmentSpec spec) {
        List<ColumnSpec> columns = spec.columns();
        this.rows = new Object[columns.size()];
        this.types = new ElementType[columns.size()];
        for (int c = 0; c < rows.length; c++) {
            ColumnSpec s = columns.get(c);
            rows[c] = s.perRecord() ? s.type().allocate(spec.numEnvs() * s.width()) : null;
            types[c] = s.type();
        }
    }

    /** Copies the last record of {@code f}. */
    void readFrom(Fragment f) {
        List<Column> columns = f.fixedColumns();
        for (int c = 0; c < rows.length; c++) {
            if (rows[c] != null) {
                Column column = columns.get(c);
                System.arraycopy(column.array(), column.offset(f.length(), 0), rows[c], 0, f.numEnvs() * column.width());
            }
        }
    }

    /** Writes the kept record (every element of every row), for an exact resume. */
    void saveState(DataOutput out) throws IOException {
        for (int c = 0; c < rows.length; c++) {
            if (rows[c] != null) {
                types[c].write(out, rows[c], 0, java.lang.reflect.Array.getLength(rows[c]));
            }
        }
    }

    /** Restores what {@link #saveState} wrote. */
    void loadState(DataInput in) throws IOException {
        for (int c = 0; c < rows.length; c++) {
            if (rows[c] != null) {
                types[c].read(in, rows[c], 0, java.lang.reflect.Array.getLength(rows[c]));
            }
        }
    }

    /** Writes the kept record as record 0 of {@code f}. */
    void writeTo(Fragment f) {
        List<Column> columns = f.fixedColumns();
        for (int c = 0; c < rows.length; c++) {
            if (rows[c] != null) {
                Column column = columns.get(c);
                System.arraycopy(rows[c], 0, column.array(), 0, f.numEnvs() * column.width());
            }
        }
    }
}
