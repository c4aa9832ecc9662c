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
