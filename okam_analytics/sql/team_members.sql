-- Consultants of the chosen teams (consultants table), for filtering per-consultant figures.
with

final as (
    select consultant
    from consultants
    where list_contains($teams::varchar[], team)
    order by consultant
)

select * from final
