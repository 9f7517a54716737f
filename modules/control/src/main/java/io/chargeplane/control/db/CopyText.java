package io.chargeplane.control.db;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * Rows for PostgreSQL's {@code COPY ... FROM STDIN} (text format), written straight into one UTF-8 byte buffer.
 * Building the same text as Java strings (a StringBuilder per array column, {@code Instant.toString()}, then a
 * Reader the driver encodes again) was a quarter of everything the node allocated in the message mix.
 * Columns are separated by a tab, rows end with a newline; backslash, tab, newline and carriage return inside a
 * value are escaped, {@code \N} is NULL. Escape characters are ASCII, which never occurs inside a multi-byte
 * UTF-8 sequence, so escaping works on the encoded bytes.
 */
public final class CopyText {
    private byte[] buf;
    private int len;
    private boolean rowStarted;

    public CopyText(int expectedBytes) {
        this.buf = new byte[Math.max(256, expectedBytes)];
    }

    /** A text column, or NULL. */
    public CopyText text(String value) {
        column();
        if (value == null) {
            return raw('\\').raw('N');
        }
        encoded(value, false);
        return this;
    }

    /** An integer column. */
    public CopyText number(long value) {
        column();
        ascii(Long.toString(value));
        return this;
    }

    /** An integer column, or NULL. */
    public CopyText number(Integer value) {
        return value == null ? text(null) : number(value.longValue());
    }

    /** A timestamp column, ISO 8601 in UTC with the instant's full precision (PostgreSQL rounds to microseconds). */
    public CopyText instant(Instant t) {
        column();
        LocalDateTime d = LocalDateTime.ofEpochSecond(t.getEpochSecond(), t.getNano(), ZoneOffset.UTC);
        if (d.getYear() < 0 || d.getYear() > 9999) {
            ascii(t.toString()); // outside four-digit years: the JDK's spelling, which PostgreSQL reads too
            return this;
        }
        digits(d.getYear(), 4).raw('-').digits(d.getMonthValue(), 2).raw('-').digits(d.getDayOfMonth(), 2).raw('T')
                .digits(d.getHour(), 2).raw(':').digits(d.getMinute(), 2).raw(':').digits(d.getSecond(), 2);
        if (t.getNano() != 0) {
            raw('.').digits(t.getNano(), 9);
        }
        return raw('Z');
    }

    /**
     * A text-array column of one field of each item: every element double-quoted (so that commas, braces, blanks,
     * an empty string or the word NULL stay text), backslash and double quote escaped inside; a null element is
     * an unquoted NULL.
     */
    public <T> CopyText textArray(List<T> items, Function<T, String> field) {
        return array(items, item -> {
            String v = field.apply(item);
            if (v == null) {
                ascii("NULL");
            } else {
                raw('"');
                encoded(v, true);
                raw('"');
            }
        });
    }

    /** A double-precision-array column: elements in Java's spelling (NaN and Infinity as PostgreSQL reads them). */
    public <T> CopyText numberArray(List<T> items, Function<T, Double> field) {
        return array(items, item -> {
            Double v = field.apply(item);
            ascii(v == null ? "NULL" : v.toString());
        });
    }

    /** An array column: {@code element} writes each item's element between the braces and commas. */
    private <T> CopyText array(List<T> items, java.util.function.Consumer<T> element) {
        column();
        raw('{');
        for (int i = 0; i < items.size(); i++) {
            if (i > 0) {
                raw(',');
            }
            element.accept(items.get(i));
        }
        return raw('}');
    }

    /** Ends the current row. */
    public CopyText endRow() {
        raw('\n');
        rowStarted = false;
        return this;
    }

    public byte[] bytes() {
        return buf;
    }

    public int length() {
        return len;
    }

    @Override
    public String toString() {
        return new String(buf, 0, len, StandardCharsets.UTF_8);
    }

    private void column() {
        if (rowStarted) {
            raw('\t');
        }
        rowStarted = true;
    }

    /** The value's UTF-8 bytes, COPY-escaped; inside an array element also array-escaped first. */
    private void encoded(String value, boolean arrayElement) {
        boolean ascii = true;
        for (int i = 0; i < value.length() && ascii; i++) {
            ascii = value.charAt(i) < 0x80;
        }
        if (ascii) {
            for (int i = 0; i < value.length(); i++) {
                escaped((byte) value.charAt(i), arrayElement);
            }
        } else {
            for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
                escaped(b, arrayElement);
            }
        }
    }

    private void escaped(byte b, boolean arrayElement) {
        if (arrayElement && (b == '"' || b == '\\')) {
            copyEscaped((byte) '\\'); // the array's own escape, itself escaped for COPY
        }
        copyEscaped(b);
    }

    private void copyEscaped(byte b) {
        switch (b) {
            case '\\' -> raw('\\').raw('\\');
            case '\t' -> raw('\\').raw('t');
            case '\n' -> raw('\\').raw('n');
            case '\r' -> raw('\\').raw('r');
            default -> raw(b);
        }
    }

    private void ascii(String s) {
        for (int i = 0; i < s.length(); i++) {
            raw((byte) s.charAt(i));
        }
    }

    private CopyText digits(int value, int width) {
        ensure(width);
        for (int i = width - 1; i >= 0; i--) {
            buf[len + i] = (byte) ('0' + value % 10);
            value /= 10;
        }
        len += width;
        return this;
    }

    private CopyText raw(char c) {
        return raw((byte) c);
    }

    private CopyText raw(byte b) {
        ensure(1);
        buf[len++] = b;
        return this;
    }

    private void ensure(int more) {
        if (len + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
        }
    }
}
