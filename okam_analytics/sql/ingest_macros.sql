-- Macros of the import's private connection: how raw export text becomes typed values.
-- Vocabulary key: casefolded, accents stripped, whitespace collapsed (as presets compare words).
create or replace macro okam_key(v) as lower(strip_accents(trim(regexp_replace(v, '\s+', ' ', 'g'))));

-- A name with whitespace runs (double spaces, tabs, non-breaking spaces) collapsed; the cheap
-- contains() tests spare the regular expression on the usual clean names.
create or replace macro okam_name(v) as (
    case
        when contains(v, '  ') or contains(v, chr(9)) or contains(v, chr(10))
            or contains(v, chr(13)) or contains(v, chr(160))
            then trim(regexp_replace(v, '[\s\x{00a0}]+', ' ', 'g'))
        else v
    end
);

-- Spaces, non-breaking spaces and apostrophes used as thousands separators.
create or replace macro okam_compact(v) as regexp_replace(v, '[\s\x{00a0}\x{202f}'']', '', 'g');

-- Decimal point: "1,234.5"; also a lone decimal comma "7,5" (some locales) and "1.234,5";
-- "1,234" = 1234.
create or replace macro okam_number_dot_slow(s) as (
    case
        when regexp_full_match(s, '[+-]?(\d+\.?\d*|\.\d+)') then cast(s as double)
        when regexp_full_match(s, '[+-]?\d{1,3}(,\d{3})+(\.\d*)?') then cast(replace(s, ',', '') as double)
        when regexp_full_match(s, '[+-]?\d*,\d+') then cast(replace(s, ',', '.') as double)
        when regexp_full_match(s, '[+-]?\d{1,3}(\.\d{3})+,\d*')
            then cast(replace(replace(s, '.', ''), ',', '.') as double)
    end
);
create or replace macro okam_number_dot(v) as (
    case
        when regexp_full_match(v, '[+-]?\d+(\.\d+)?') then cast(v as double)
        else okam_number_dot_slow(okam_compact(v))
    end
);

-- Decimal comma: "1 234,56", "1.234,5"; a lone point "7.5" is still a decimal point, and
-- "1,234.5" reads as written.
create or replace macro okam_number_comma_slow(s) as (
    case
        when regexp_full_match(s, '[+-]?(\d+,?\d*|,\d+)') then cast(replace(s, ',', '.') as double)
        when regexp_full_match(s, '[+-]?\d{1,3}(\.\d{3})+(,\d*)?') then cast(replace(replace(s, '.', ''), ',', '.') as double)
        when regexp_full_match(s, '[+-]?\d*\.\d+') then cast(s as double)
        when regexp_full_match(s, '[+-]?\d{1,3}(,\d{3})+\.\d*') then cast(replace(s, ',', '') as double)
    end
);
create or replace macro okam_number_comma(v) as (
    case
        when regexp_full_match(v, '[+-]?\d+(,\d+)?') then cast(replace(v, ',', '.') as double)
        else okam_number_comma_slow(okam_compact(v))
    end
);

-- Durations H:MM or H:MM:SS (hours may exceed 24), signed; null when not of that shape.
create or replace macro okam_hms(v) as (
    case
        when regexp_full_match(v, '-?\d+:[0-5]\d(:[0-5]\d([.,]\d+)?)?') then
            (case when starts_with(v, '-') then -1 else 1 end)
            * (cast(split_part(ltrim(v, '-'), ':', 1) as double)
               + cast(split_part(v, ':', 2) as double) / 60
               + coalesce(cast(replace(nullif(split_part(v, ':', 3), ''), ',', '.') as double), 0) / 3600)
    end
);

-- Priority words not in a vocabulary: a leading 1..4 ("1 - Critical", "P2 - High").
create or replace macro okam_priority_guess(k) as (
    case when regexp_matches(k, '^p?[1-4]\b') then 'P' || regexp_extract(k, '^p?([1-4])', 1) end
);

-- Status words not in a vocabulary: the nearest bucket by stem (English and French).
create or replace macro okam_status_guess(k) as (
    case
        when regexp_matches(k, 'clos|closed|ferm|cancel|annul|reject|rejet') then 'closed'
        when regexp_matches(k, 'resol|solved|done|fixed|complet|termin') then 'resolved'
        when regexp_matches(k, 'attente|pending|wait|hold|suspen|await') then 'pending'
        when regexp_matches(k, 'new|nouv|open|ouver|progress|cours|assign|attribu|activ|to ?do|planif|backlog|triage') then 'open'
    end
);

-- Cleaning rules a preset declares ([cleaning], applied by ingest/cleaning.py).
-- HTML entities some tools (GLPI) write in cells; &amp; last, so "&amp;lt;" stays "&lt;".
create or replace macro okam_unescape_html(v) as (
    case
        when contains(v, '&') then
            replace(replace(replace(replace(replace(replace(replace(replace(replace(v,
                '&lt;', '<'), '&gt;', '>'), '&quot;', '"'), '&#039;', ''''), '&#39;', ''''),
                '&#x27;', ''''), '&apos;', ''''), '&nbsp;', ' '), '&amp;', '&')
        else v
    end
);

-- Several actors in one cell joined by sep: the first non-empty one.
create or replace macro okam_first_actor(v, sep) as (
    case
        when not contains(v, sep) then v
        when not starts_with(v, sep) then nullif(trim(split_part(v, sep, 1)), '')
        else nullif(trim(list_filter(string_split(v, sep), lambda part: trim(part) <> '')[1]), '')
    end
);

-- A user id written after a name: "Marie Dupont (1974)" is Marie Dupont.
create or replace macro okam_strip_user_id(v) as (
    case when v[-1] = ')' then regexp_replace(v, '\s*\(\d+\)$', '') else v end
);

-- Digit grouping in ids: "49 541", also with a no-break or narrow no-break space, is 49541.
create or replace macro okam_ungroup_digits(v) as (
    case
        when (contains(v, ' ') or contains(v, chr(160)) or contains(v, chr(8239)))
            and regexp_full_match(v, '\d{1,3}([ \x{00a0}\x{202f}]\d{3})+')
            then regexp_replace(v, '[ \x{00a0}\x{202f}]', '', 'g')
        else v
    end
);

-- One unit's number in a duration in words (unit words of en fr de es pt it nl), else 0.
create or replace macro okam_duration_part(k, unit_words) as coalesce(
    cast(replace(nullif(regexp_extract(k, '(\d+(?:[.,]\d+)?)\s*(?:' || unit_words || ')\b', 1), ''), ',', '.')
        as double),
    0
);

-- A duration in words ("2 heures 52 minutes", "1 hour 5 minutes", "3 dias 2 horas") in
-- hours: days, hours, minutes, seconds in that order (as the tools write them), each
-- optional; null for any other text. Four plain extractions: no per-value list.
create or replace macro okam_duration_words_key(k) as (
    case
        when regexp_matches(k, '\d') and regexp_full_match(k,
            '\s*(\d+(?:[.,]\d+)?\s*(?:d|days?|jours?|tage?n?|dias?|giorn[oi]|dag(?:en)?)\.?\s*)?(\d+(?:[.,]\d+)?\s*(?:h|hrs?|hours?|heures?|stunden?|std|horas?|or[ae]|uur|uren)\.?\s*)?(\d+(?:[.,]\d+)?\s*(?:m|mn|mins?|minutes?|minuten?|minutos?|minut[oi]|minuut)\.?\s*)?(\d+(?:[.,]\d+)?\s*(?:s|secs?|seconds?|secondes?|sekunden?|segundos?|second[oi]|seconden?)\.?\s*)?')
            then okam_duration_part(k, 'd|days?|jours?|tage?n?|dias?|giorn[oi]|dag(?:en)?') * 24
                + okam_duration_part(k, 'h|hrs?|hours?|heures?|stunden?|std|horas?|or[ae]|uur|uren')
                + okam_duration_part(k, 'm|mn|mins?|minutes?|minuten?|minutos?|minut[oi]|minuut') / 60
                + okam_duration_part(k, 's|secs?|seconds?|secondes?|sekunden?|segundos?|second[oi]|seconden?') / 3600
    end
);
create or replace macro okam_duration_words(v) as okam_duration_words_key(okam_key(v));
