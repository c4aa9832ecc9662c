-- Every team name known to the data, for the sidebar team filter.
with

named_teams as (

    select team from tickets
    union
    select team from consultants

),

final as (

    select team
    from named_teams
    where team is not null and team <> ''
    order by team

)

select * from final
