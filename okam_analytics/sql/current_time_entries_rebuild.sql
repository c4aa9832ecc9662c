-- Rebuild every current time entry from the active versions (after an alias or absence change).
-- Winner per key: the active import with the latest period_end, then the larger sha256.
delete from time_entries;

insert into time_entries by name
with candidates as (
    select v.*, i.period_end, i.sha256
    from time_entry_versions v
    join imports i on i.import_id = v.import_id and i.status = 'active'
),

winners as (
    select * exclude (period_end, sha256)
    from candidates
    qualify row_number() over (
        partition by source, entry_key order by period_end desc nulls last, sha256 desc
    ) = 1
),

final as (
    select w.* replace (coalesce(al.consultant, w.consultant) as consultant)
    from winners w
    left join consultant_aliases al on al.alias = w.consultant
)

select * from final
