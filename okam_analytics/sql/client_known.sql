-- The one client named $client, if the data knows it (tickets, time entries or the clients table).
with

named_clients as (
    select client from tickets where client = $client
    union
    select client from time_entries where client = $client
    union
    select client from clients where client = $client
),

final as (
    select client from named_clients
)

select * from final
