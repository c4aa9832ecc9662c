-- Client names of the current tickets and time entries that the clients table lacks
-- (those of one import, or all when $import_id is null).
insert into clients (client)
with named as (
    select client from tickets
    where client is not null and ($import_id is null or import_id = $import_id)
    union
    select client from time_entries
    where client is not null and ($import_id is null or import_id = $import_id)
),

final as (
    select client from named
    where client not in (select client from clients)
)

select * from final
