from django.urls import path

from xuncha.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("password/change/", views.password_change_view, name="password_change"),
    path("otp/verify/", views.placeholder, name="otp_verify"),
    path("otp/setup/", views.placeholder, name="otp_setup"),
    path("profile/", views.placeholder, name="profile"),
    path("tokens/", views.placeholder, name="tokens"),
    path("users/", views.placeholder, name="users"),
    path("roles/", views.placeholder, name="roles"),
    path("policy/", views.placeholder, name="policy"),
]
