//! What the provider's tests share: the list of the operations the provider never calls.

/// Calls `$callback! { name: Input => Output, Error; ... }` with every operation of Cognito
/// Identity but `GetId` and `GetCredentialsForIdentity`, the two the provider calls, so that a
/// test's stand-in service can fill them in one way (answer, forward, refuse).
macro_rules! other_operations {
    ($callback:ident) => {
        $callback! {
            create_identity_pool: CreateIdentityPoolInput => IdentityPool, CreateIdentityPoolError;
            delete_identities: DeleteIdentitiesInput => DeleteIdentitiesResponse, DeleteIdentitiesError;
            delete_identity_pool: DeleteIdentityPoolInput => DeleteIdentityPoolOutput, DeleteIdentityPoolError;
            describe_identity: DescribeIdentityInput => IdentityDescription, DescribeIdentityError;
            describe_identity_pool: DescribeIdentityPoolInput => IdentityPool, DescribeIdentityPoolError;
            get_identity_pool_roles: GetIdentityPoolRolesInput => GetIdentityPoolRolesResponse, GetIdentityPoolRolesError;
            get_open_id_token: GetOpenIdTokenInput => GetOpenIdTokenResponse, GetOpenIdTokenError;
            get_open_id_token_for_developer_identity: GetOpenIdTokenForDeveloperIdentityInput => GetOpenIdTokenForDeveloperIdentityResponse, GetOpenIdTokenForDeveloperIdentityError;
            get_principal_tag_attribute_map: GetPrincipalTagAttributeMapInput => GetPrincipalTagAttributeMapResponse, GetPrincipalTagAttributeMapError;
            list_identities: ListIdentitiesInput => ListIdentitiesResponse, ListIdentitiesError;
            list_identity_pools: ListIdentityPoolsInput => ListIdentityPoolsResponse, ListIdentityPoolsError;
            list_tags_for_resource: ListTagsForResourceInput => ListTagsForResourceResponse, ListTagsForResourceError;
            lookup_developer_identity: LookupDeveloperIdentityInput => LookupDeveloperIdentityResponse, LookupDeveloperIdentityError;
            merge_developer_identities: MergeDeveloperIdentitiesInput => MergeDeveloperIdentitiesResponse, MergeDeveloperIdentitiesError;
            set_identity_pool_roles: SetIdentityPoolRolesInput => SetIdentityPoolRolesOutput, SetIdentityPoolRolesError;
            set_principal_tag_attribute_map: SetPrincipalTagAttributeMapInput => SetPrincipalTagAttributeMapResponse, SetPrincipalTagAttributeMapError;
            tag_resource: TagResourceInput => TagResourceResponse, TagResourceError;
            unlink_developer_identity: UnlinkDeveloperIdentityInput => UnlinkDeveloperIdentityOutput, UnlinkDeveloperIdentityError;
            unlink_identity: UnlinkIdentityInput => UnlinkIdentityOutput, UnlinkIdentityError;
            untag_resource: UntagResourceInput => UntagResourceResponse, UntagResourceError;
            update_identity_pool: IdentityPool => IdentityPool, UpdateIdentityPoolError;
        }
    };
}

pub(crate) use other_operations;
