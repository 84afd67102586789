package io.jvmipc.tools;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A strict little JSON parser for the tests (objects, arrays, strings, numbers as Long or Double, literals). */
final class JsonParser
{
    private final String text;
    private int at;

    private JsonParser(final String text)
    {
        this.text = text;
    }

    static Object parse(final String text)
    {
        final JsonParser parser = new JsonParser(text.trim());
        final Object value = parser.value();
        if (parser.at != parser.text.length())
        {
            throw new IllegalArgumentException("trailing text at " + parser.at + ": " + text);
        }
        return value;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> object(final String text)
    {
        return (Map<String, Object>)parse(text);
    }

    private Object value()
    {
        final char c = text.charAt(at);
        if (c == '{')
        {
            at++;
            final Map<String, Object> map = new LinkedHashMap<>();
            if (text.charAt(at) == '}')
            {
                at++;
                return map;
            }
            while (true)
            {
                final String key = string();
                expect(':');
                map.put(key, value());
                if (text.charAt(at) == ',')
                {
                    at++;
                    continue;
                }
                expect('}');
                return map;
            }
        }
        if (c == '[')
        {
            at++;
            final List<Object> list = new ArrayList<>();
            if (text.charAt(at) == ']')
            {
                at++;
                return list;
            }
            while (true)
            {
                list.add(value());
                if (text.charAt(at) == ',')
                {
                    at++;
                    continue;
                }
                expect(']');
                return list;
            }
        }
        if (c == '"')
        {
            return string();
        }
        for (final String literal : new String[] {"true", "false", "null"})
        {
            if (text.startsWith(literal, at))
            {
                at += literal.length();
                return literal.equals("null") ? null : Boolean.valueOf(literal);
            }
        }
        final int start = at;
        while (at < text.length() && "+-0123456789.eE".indexOf(text.charAt(at)) >= 0)
        {
            at++;
        }
        final String number = text.substring(start, at);
        if (number.isEmpty())
        {
            throw new IllegalArgumentException("unexpected '" + c + "' at " + start);
        }
        return number.contains(".") || number.contains("e") || number.contains("E") ? (Object)Double.valueOf(number) :
            (Object)Long.valueOf(number);
    }

    private String string()
    {
        expect('"');
        final StringBuilder out = new StringBuilder();
        while (true)
        {
            final char c = text.charAt(at++);
            if (c == '"')
            {
                return out.toString();
            }
            if (c != '\\')
            {
                out.append(c);
                continue;
            }
            final char e = text.charAt(at++);
            switch (e)
            {
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' ->
                {
                    out.append((char)Integer.parseInt(text.substring(at, at + 4), 16));
                    at += 4;
                }
                default -> out.append(e);
            }
        }
    }

    private void expect(final char c)
    {
        if (text.charAt(at) != c)
        {
            throw new IllegalArgumentException("expected '" + c + "' at " + at + " in " + text);
        }
        at++;
    }
}
