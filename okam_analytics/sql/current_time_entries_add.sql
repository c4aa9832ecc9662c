-- Current rows of an import whose source no other active import carries: its versions are the
-- winners as they are (no ranking, nothing to delete).
insert into time_entries by name
with final as (
    select v.* replace (coalesce(al.consultant, v.consultant) as consultant)
    from time_entry_versions v
    left join consultant_aliases al on al.alias = v.consultant
    where v.import_id = $import_id
)

select * from final
