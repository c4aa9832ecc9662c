-- Consultant names of the current tables that the consultants table lacks (after an alias change).
insert into consultants (consultant)
with named as (
    select assignee as consultant from tickets where assignee is not null
    union
    select consultant from time_entries where consultant is not null
),

final as (
    select consultant from named
    where consultant not in (select consultant from consultants)
)

select * from final
