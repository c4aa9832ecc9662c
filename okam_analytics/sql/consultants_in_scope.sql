-- The consultants the sidebar filters keep: members of the chosen teams ($teams, empty = all)
-- who logged work for one of the chosen clients ($clients, empty = all) in the period.
-- Params: $date_from, $date_to, $clients (varchar[]), $teams (varchar[]).
with

named as (
    select consultant, team from consultants
    union
    select consultant, null as team from time_entries
    where consultant not in (select consultant from consultants)
),

client_work as (
    select distinct consultant
    from time_entries
    where work_date between $date_from and $date_to
      and not coalesce(is_absence, false)
      and list_contains($clients::varchar[], client)
),

final as (
    select distinct consultant, team
    from named
    where consultant is not null
      and (len($teams::varchar[]) = 0 or list_contains($teams::varchar[], team))
      and (len($clients::varchar[]) = 0 or consultant in (select consultant from client_work))
    order by consultant
)

select * from final
