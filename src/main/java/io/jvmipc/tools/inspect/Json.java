package io.jvmipc.tools.inspect;

import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A minimal JSON writer for the inspector's reports: maps (in their iteration order), lists, strings, numbers,
 * booleans and {@code null}. Hand-written because the reports are small trees of these types only and the
 * library keeps its dependencies minimal; output is one line, with keys in a fixed order, so it is stable for
 * scripts. Non-finite doubles are written as {@code null} (JSON has no NaN).
 */
public final class Json
{
    private Json()
    {
    }

    /**
     * Writes {@code value} as JSON.
     *
     * @param value a map, list, string, number, boolean, array of primitives or null.
     * @return the JSON text, on one line.
     * @throws IllegalArgumentException for another type.
     */
    public static String write(final Object value)
    {
        final StringBuilder out = new StringBuilder(256);
        write(out, value);
        return out.toString();
    }

    private static void write(final StringBuilder out, final Object value)
    {
        if (value == null)
        {
            out.append("null");
        }
        else if (value instanceof String text)
        {
            string(out, text);
        }
        else if (value instanceof Double || value instanceof Float)
        {
            final double number = ((Number)value).doubleValue();
            out.append(Double.isFinite(number) ? Double.toString(number) : "null");
        }
        else if (value instanceof Number || value instanceof Boolean)
        {
            out.append(value);
        }
        else if (value instanceof Map<?, ?> map)
        {
            out.append('{');
            final Iterator<? extends Map.Entry<?, ?>> entries = map.entrySet().iterator();
            while (entries.hasNext())
            {
                final Map.Entry<?, ?> entry = entries.next();
                string(out, String.valueOf(entry.getKey()));
                out.append(':');
                write(out, entry.getValue());
                if (entries.hasNext())
                {
                    out.append(',');
                }
            }
            out.append('}');
        }
        else if (value instanceof List<?> list)
        {
            out.append('[');
            for (int i = 0; i < list.size(); i++)
            {
                if (i > 0)
                {
                    out.append(',');
                }
                write(out, list.get(i));
            }
            out.append(']');
        }
        else
        {
            throw new IllegalArgumentException("cannot write a " + value.getClass().getName() + " as JSON");
        }
    }

    private static void string(final StringBuilder out, final String text)
    {
        out.append('"');
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            switch (c)
            {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default ->
                {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029)
                    {
                        out.append(String.format("\\u%04x", (int)c));
                    }
                    else
                    {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
