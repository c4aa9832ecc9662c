-- Recompute the current time entries of the keys an import carries; aliases applied.
-- (is_absence is judged on the versions, at load and by a full refresh.)
-- Winner: the active import with the latest period_end, then the
-- larger sha256. Keys no other active import carries skip the ranking (the usual large case).
-- (one import carries each key once: no distinct needed)
create or replace temp table affected_entries as
select source, entry_key
from time_entry_versions
where import_id = $import_id;

create or replace temp table contested_entries as
select distinct v.source, v.entry_key
from time_entry_versions v
join imports i on i.import_id = v.import_id and i.status = 'active'
semi join affected_entries a on a.source = v.source and a.entry_key = v.entry_key
where v.import_id <> $import_id;

delete from time_entries t using affected_entries a
where t.source = a.source and t.entry_key = a.entry_key;

insert into time_entries by name
with sole as (
    select v.*
    from time_entry_versions v
    join imports i on i.import_id = v.import_id and i.status = 'active'
    anti join contested_entries c on c.source = v.source and c.entry_key = v.entry_key
    where v.import_id = $import_id
),

candidates as (
    select v.*, i.period_end, i.sha256
    from time_entry_versions v
    join contested_entries c on c.source = v.source and c.entry_key = v.entry_key
    join imports i on i.import_id = v.import_id and i.status = 'active'
),

ranked as (
    select * exclude (period_end, sha256)
    from candidates
    qualify row_number() over (
        partition by source, entry_key order by period_end desc nulls last, sha256 desc
    ) = 1
),

winners as (
    select * from sole
    union all by name
    select * from ranked
),

final as (
    select w.* replace (coalesce(al.consultant, w.consultant) as consultant)
    from winners w
    left join consultant_aliases al on al.alias = w.consultant
)

select * from final
