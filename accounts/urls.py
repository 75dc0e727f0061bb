from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("signup/", views.signup, name="signup"),
    path("signup/details/", views.signup_details, name="signup_details"),
    path("password-reset/", views.password_reset, name="password_reset"),
    path("password-reset/new/", views.password_reset_new, name="password_reset_new"),
    path("password-reset/email/", views.EmailPasswordResetView.as_view(), name="password_reset_email"),
    path("password-reset/email/sent/", views.EmailPasswordResetDoneView.as_view(), name="password_reset_email_done"),
    path(
        "password-reset/email/<uidb64>/<token>/",
        views.EmailPasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("profile/", views.profile, name="profile"),
]
