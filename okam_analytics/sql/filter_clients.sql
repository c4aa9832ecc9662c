-- Every client name known to the data, for the sidebar client filter.
with

named_clients as (

    select client from tickets
    union
    select client from time_entries
    union
    select client from clients

),

final as (

    select client
    from named_clients
    where client is not null and client <> ''
    order by client

)

select * from final
