-- New consultant names of an import (registered as incoming_names: name, team, role),
-- through the aliases; a known consultant keeps its values, only empty ones are filled.
insert into consultants (consultant, team, role)
with named as (
    select coalesce(al.consultant, n.name) as consultant, n.team, n.role
    from incoming_names n
    left join consultant_aliases al on al.alias = n.name
    where n.name is not null
),

final as (
    select consultant, mode(team) as team, mode(role) as role
    from named
    group by consultant
)

select * from final
on conflict (consultant) do update set
    team = coalesce(consultants.team, excluded.team),
    role = coalesce(consultants.role, excluded.role)
